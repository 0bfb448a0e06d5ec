#include "util/addr_map.h"

#include <stdlib.h>
#include <string.h>

enum { SLOT_EMPTY = 0, SLOT_LIVE = 1, SLOT_DELETED = 2 };

static size_t slot_of(uint64_t key, size_t capacity)
{
    /* Code addresses share their low bits' alignment; mix before masking. */
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (capacity - 1);
}

int addr_map_init(addr_map *m, size_t initial_capacity)
{
    size_t cap = 16;
    while (cap < initial_capacity)
        cap <<= 1;
    memset(m, 0, sizeof *m);
    m->keys = calloc(cap, sizeof *m->keys);
    m->values = calloc(cap, sizeof *m->values);
    m->used = calloc(cap, 1);
    if (!m->keys || !m->values || !m->used) {
        addr_map_free(m);
        return -1;
    }
    m->capacity = cap;
    return 0;
}

void addr_map_free(addr_map *m)
{
    free(m->keys);
    free(m->values);
    free(m->used);
    memset(m, 0, sizeof *m);
}

static bool find_slot(const addr_map *m, uint64_t key, size_t *slot)
{
    size_t mask = m->capacity - 1;
    for (size_t i = slot_of(key, m->capacity), n = 0; n < m->capacity; i = (i + 1) & mask, n++) {
        if (m->used[i] == SLOT_EMPTY)
            return false;
        if (m->used[i] == SLOT_LIVE && m->keys[i] == key) {
            *slot = i;
            return true;
        }
    }
    return false;
}

bool addr_map_get(const addr_map *m, uint64_t key, uint64_t *value)
{
    size_t slot;
    if (m->capacity == 0 || !find_slot(m, key, &slot))
        return false;
    if (value)
        *value = m->values[slot];
    return true;
}

static int grow(addr_map *m)
{
    addr_map bigger;
    size_t cap = m->capacity * 2;
    if (m->count * 2 < m->capacity)
        cap = m->capacity; /* mostly tombstones: rehash at the same size */
    if (addr_map_init(&bigger, cap) != 0)
        return -1;
    for (size_t i = 0; i < m->capacity; i++)
        if (m->used[i] == SLOT_LIVE && addr_map_put(&bigger, m->keys[i], m->values[i]) != 0) {
            addr_map_free(&bigger);
            return -1;
        }
    addr_map_free(m);
    *m = bigger;
    return 0;
}

int addr_map_put(addr_map *m, uint64_t key, uint64_t value)
{
    size_t slot;
    if (m->capacity == 0 && addr_map_init(m, 16) != 0)
        return -1;
    if (find_slot(m, key, &slot)) {
        m->values[slot] = value;
        return 0;
    }
    if ((m->count + m->tombstones + 1) * 4 > m->capacity * 3 && grow(m) != 0)
        return -1;
    size_t mask = m->capacity - 1;
    size_t i = slot_of(key, m->capacity);
    while (m->used[i] == SLOT_LIVE)
        i = (i + 1) & mask;
    if (m->used[i] == SLOT_DELETED)
        m->tombstones--;
    m->used[i] = SLOT_LIVE;
    m->keys[i] = key;
    m->values[i] = value;
    m->count++;
    return 0;
}

bool addr_map_remove(addr_map *m, uint64_t key)
{
    size_t slot;
    if (m->capacity == 0 || !find_slot(m, key, &slot))
        return false;
    m->used[slot] = SLOT_DELETED;
    m->count--;
    m->tombstones++;
    return true;
}

void addr_map_clear(addr_map *m)
{
    if (m->capacity)
        memset(m->used, 0, m->capacity);
    m->count = 0;
    m->tombstones = 0;
}

bool addr_map_next(const addr_map *m, size_t *cursor, uint64_t *key, uint64_t *value)
{
    for (size_t i = *cursor; i < m->capacity; i++) {
        if (m->used[i] == SLOT_LIVE) {
            if (key)
                *key = m->keys[i];
            if (value)
                *value = m->values[i];
            *cursor = i + 1;
            return true;
        }
    }
    *cursor = m->capacity;
    return false;
}
