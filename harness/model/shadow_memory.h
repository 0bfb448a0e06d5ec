/* Shadow-stack memory as the harness models it.
 *
 * Shadow stacks live in the harness, not in the guest: each region is an address
 * range above 4 GiB (as Linux places them) with one 64-bit slot per 8 bytes.  Every
 * shadow-stack access of the model (CALL/RET, INCSSP reads, tokens, WRSS) goes
 * through here, so that the storage could later be backed by guest memory without
 * touching the callers.  An access outside every region is what hardware turns into
 * a #PF on a non-shadow-stack page. */
#ifndef HARNESS_SHADOW_MEMORY_H
#define HARNESS_SHADOW_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shadow_region {
    uint64_t base;
    uint64_t size;
    uint64_t *slots;          /* size / 8 entries, zero-filled like a fresh mapping */
} shadow_region;

typedef struct shadow_memory {
    shadow_region *regions;
    size_t count, capacity;
    uint64_t next_base;       /* where the next region is placed (grows downward) */
    size_t last_hit;          /* index of the region that served the last access */
} shadow_memory;

void shadow_memory_init(shadow_memory *sm);
void shadow_memory_free(shadow_memory *sm);
/* Map a new region of size bytes (rounded up to 4 KiB), with a free guard page on
 * each side; *base receives its address.  -1 when memory runs out. */
int shadow_memory_map(shadow_memory *sm, uint64_t size, uint64_t *base);
bool shadow_memory_unmap(shadow_memory *sm, uint64_t base);
bool shadow_memory_contains(const shadow_memory *sm, uint64_t addr, uint64_t len);
/* 8-byte access at an 8-aligned address (4-aligned for the 32-bit write). */
bool shadow_memory_read(shadow_memory *sm, uint64_t addr, uint64_t *value);
bool shadow_memory_peek(const shadow_memory *sm, uint64_t addr, uint64_t *value);
bool shadow_memory_write(shadow_memory *sm, uint64_t addr, uint64_t value);
bool shadow_memory_write32(shadow_memory *sm, uint64_t addr, uint32_t value);

#endif
