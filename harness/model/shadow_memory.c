#include "model/shadow_memory.h"

#include <stdlib.h>
#include <string.h>

enum { PAGE = 4096 };
/* Below where Linux puts the stack and the first mmaps on x86-64, above 4 GiB, and
 * far from where QEMU's user mode places guest mappings (upward from 2^38). */
static const uint64_t SHADOW_SPACE_TOP = 0x7e0000000000ULL;

void shadow_memory_init(shadow_memory *sm)
{
    memset(sm, 0, sizeof *sm);
    sm->next_base = SHADOW_SPACE_TOP;
    sm->next_id = 1;
}

void shadow_memory_free(shadow_memory *sm)
{
    for (size_t i = 0; i < sm->count; i++)
        free(sm->regions[i].slots);
    free(sm->regions);
    memset(sm, 0, sizeof *sm);
}

static uint64_t page_round(uint64_t size)
{
    return (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* A new, zero-filled, writable region at base; size already rounded. */
static int add_region(shadow_memory *sm, uint64_t base, uint64_t size)
{
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
    sm->regions[sm->count++] = (shadow_region){.base = base, .size = size, .slots = slots,
                                               .id = sm->next_id++, .writable = true};
    sm->generation++;
    return 0;
}

int shadow_memory_map(shadow_memory *sm, uint64_t size, uint64_t *base)
{
    if (size == 0 || size > (1ULL << 32))
        return -1;
    size = page_round(size);
    uint64_t at = sm->next_base - size - PAGE;   /* a guard gap above the new region */
    while (shadow_memory_overlaps(sm, at - PAGE, size + 2 * PAGE))
        at -= PAGE;                              /* a region mapped at an address hint */
    if (add_region(sm, at, size) != 0)
        return -1;
    sm->next_base = at - PAGE;                   /* and one below it */
    *base = at;
    return 0;
}

int shadow_memory_map_at(shadow_memory *sm, uint64_t addr, uint64_t size)
{
    if (size == 0 || size > (1ULL << 32) || (addr & (PAGE - 1)))
        return -1;
    size = page_round(size);
    if (addr + size < addr || shadow_memory_overlaps(sm, addr, size))
        return -1;
    return add_region(sm, addr, size);
}

static void remove_region(shadow_memory *sm, size_t i)
{
    free(sm->regions[i].slots);
    sm->regions[i] = sm->regions[--sm->count];
    sm->last_hit = 0;
    sm->generation++;
}

bool shadow_memory_unmap(shadow_memory *sm, uint64_t base)
{
    for (size_t i = 0; i < sm->count; i++) {
        if (sm->regions[i].base == base) {
            remove_region(sm, i);
            return true;
        }
    }
    return false;
}

void shadow_memory_unmap_range(shadow_memory *sm, uint64_t addr, uint64_t len)
{
    for (size_t i = sm->count; i-- > 0;) {
        const shadow_region *r = &sm->regions[i];
        if (r->base >= addr && r->base + r->size <= addr + len)
            remove_region(sm, i);
    }
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

bool shadow_memory_overlaps(const shadow_memory *sm, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < sm->count; i++) {
        const shadow_region *r = &sm->regions[i];
        if (addr < r->base + r->size && r->base < addr + len)
            return true;
    }
    return false;
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

static void mark_written(shadow_region *r, uint64_t offset)
{
    offset &= ~7ULL;
    if (r->dirty_lo == r->dirty_hi) {
        r->dirty_lo = offset;
        r->dirty_hi = offset + 8;
    } else if (offset < r->dirty_lo) {
        r->dirty_lo = offset;
    } else if (offset + 8 > r->dirty_hi) {
        r->dirty_hi = offset + 8;
    }
}

bool shadow_memory_write(shadow_memory *sm, uint64_t addr, uint64_t value)
{
    shadow_region *r = region_of(sm, addr, 8);
    if (!r || (addr & 7) || !r->writable)
        return false;
    r->slots[(addr - r->base) / 8] = value;
    mark_written(r, addr - r->base);
    return true;
}

bool shadow_memory_write32(shadow_memory *sm, uint64_t addr, uint32_t value)
{
    shadow_region *r = region_of(sm, addr, 4);
    if (!r || (addr & 3) || !r->writable)
        return false;
    uint64_t *slot = &r->slots[(addr - r->base) / 8];
    if (addr & 4)
        *slot = (*slot & 0xffffffffULL) | ((uint64_t)value << 32);
    else
        *slot = (*slot & ~0xffffffffULL) | value;
    mark_written(r, addr - r->base);
    return true;
}
