/* util/: small containers and helpers every layer may use (this map; error_text.h
 * for the one-line messages functions hand back); they call nothing but libc.
 *
 * Open-addressing hash map from a 64-bit guest address to a 64-bit value.
 * The stop loop looks addresses up on every stop, so this is the hot path:
 * no allocation on lookup, linear probing, power-of-two capacity. */
#ifndef HARNESS_ADDR_MAP_H
#define HARNESS_ADDR_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct addr_map {
    uint64_t *keys;
    uint64_t *values;
    uint8_t *used;        /* 0 empty, 1 live, 2 deleted */
    size_t capacity;      /* power of two */
    size_t count;
    size_t tombstones;
} addr_map;

int addr_map_init(addr_map *m, size_t initial_capacity);
void addr_map_free(addr_map *m);
bool addr_map_get(const addr_map *m, uint64_t key, uint64_t *value);
/* Insert or overwrite; -1 only when memory runs out. */
int addr_map_put(addr_map *m, uint64_t key, uint64_t value);
bool addr_map_remove(addr_map *m, uint64_t key);
void addr_map_clear(addr_map *m);

/* Iteration: for (size_t i = 0; addr_map_next(m, &i, &k, &v); ) ... */
bool addr_map_next(const addr_map *m, size_t *cursor, uint64_t *key, uint64_t *value);

#endif
