#include "model/shadow_memory.h"

#include <stdlib.h>
#include <string.h>

enum { PAGE = 4096 };
/* Far from where QEMU places guest mappings on x86-64 hosts, above 4 GiB. */
static const uint64_t SHADOW_SPACE_TOP = 0x7e0000000000ULL;

void shadow_memory_init(shadow_memory *sm)
{
    memset(sm, 0, sizeof *sm);
    sm->next_base = SHADOW_SPACE_TOP;
}

void shadow_memory_free(shadow_memory *sm)
{
    for (size_t i = 0; i < sm->count; i++)
        free(sm->regions[i].slots);
    free(sm->regions);
    memset(sm, 0, sizeof *sm);
}

int shadow_memory_map(shadow_memory *sm, uint64_t size, uint64_t *base)
{
    if (size == 0 || size > (1ULL << 32))
        return -1;
    size = (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (sm->count == sm->capacity) {
        size_t cap = sm->capacity ? sm->capacity * 2 : 8;
        shadow_region *r = realloc(sm->regions, cap * sizeof *r);
        if (!r)
            return -1;
        sm->regions = r;
        sm->capacity = cap;
    }
    /* calloc of a large block is an anonymous mapping: untouched slots cost nothing. */
    uint64_t *slots = calloc(size / 8, sizeof *slots);
    if (!slots)
        return -1;
    sm->next_base -= size + PAGE; /* leave a guard gap above the new region */
    shadow_region *r = &sm->regions[sm->count++];
    r->base = sm->next_base;
    r->size = size;
    r->slots = slots;
    sm->next_base -= PAGE;
    *base = r->base;
    return 0;
}

bool shadow_memory_unmap(shadow_memory *sm, uint64_t base)
{
    for (size_t i = 0; i < sm->count; i++) {
        if (sm->regions[i].base != base)
            continue;
        free(sm->regions[i].slots);
        sm->regions[i] = sm->regions[--sm->count];
        sm->last_hit = 0;
        return true;
    }
    return false;
}

static shadow_region *region_of(shadow_memory *sm, uint64_t addr, uint64_t len)
{
    if (sm->last_hit < sm->count) {
        shadow_region *r = &sm->regions[sm->last_hit];
        if (addr >= r->base && addr - r->base <= r->size - len)
            return r;
    }
    for (size_t i = 0; i < sm->count; i++) {
        shadow_region *r = &sm->regions[i];
        if (addr >= r->base && addr - r->base <= r->size - len) {
            sm->last_hit = i;
            return r;
        }
    }
    return NULL;
}

bool shadow_memory_contains(const shadow_memory *sm, uint64_t addr, uint64_t len)
{
    return region_of((shadow_memory *)sm, addr, len) != NULL;
}

bool shadow_memory_read(shadow_memory *sm, uint64_t addr, uint64_t *value)
{
    shadow_region *r = region_of(sm, addr, 8);
    if (!r || (addr & 7))
        return false;
    *value = r->slots[(addr - r->base) / 8];
    return true;
}

/* A read for queries: the region cache is a cache, not state. */
bool shadow_memory_peek(const shadow_memory *sm, uint64_t addr, uint64_t *value)
{
    return shadow_memory_read((shadow_memory *)sm, addr, value);
}

bool shadow_memory_write(shadow_memory *sm, uint64_t addr, uint64_t value)
{
    shadow_region *r = region_of(sm, addr, 8);
    if (!r || (addr & 7))
        return false;
    r->slots[(addr - r->base) / 8] = value;
    return true;
}

bool shadow_memory_write32(shadow_memory *sm, uint64_t addr, uint32_t value)
{
    shadow_region *r = region_of(sm, addr, 4);
    if (!r || (addr & 3))
        return false;
    uint64_t *slot = &r->slots[(addr - r->base) / 8];
    if (addr & 4)
        *slot = (*slot & 0xffffffffULL) | ((uint64_t)value << 32);
    else
        *slot = (*slot & ~0xffffffffULL) | value;
    return true;
}
