/* Shadow-stack memory as the model keeps it.
 *
 * Each region is an address range above 4 GiB with one 64-bit slot per 8 bytes.
 * Every shadow-stack access of the model (CALL/RET, INCSSP reads, tokens, WRSS) goes
 * through here.  The model is authoritative; engines that give the guest a copy of
 * these regions (real mappings in its address space) learn what changed from the
 * region list's generation and from the written ranges they drain.  An access
 * outside every region is what hardware turns into a #PF on a non-shadow-stack page. */
#ifndef HARNESS_SHADOW_MEMORY_H
#define HARNESS_SHADOW_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shadow_region {
    uint64_t base;
    uint64_t size;
    uint64_t *slots;          /* size / 8 entries, zero-filled like a fresh mapping */
    uint64_t id;              /* unique in the run: a region mapped again is a new one */
    bool writable;            /* PROT_WRITE: shadow-stack writes (CALL, WRSS, tokens) */
    uint64_t dirty_lo, dirty_hi;  /* byte offsets written since the last drain */
} shadow_region;

typedef struct shadow_memory {
    shadow_region *regions;
    size_t count, capacity;
    uint64_t next_base;       /* where the next region is placed (grows downward) */
    size_t last_hit;          /* index of the region that served the last access */
    uint64_t next_id;
    uint64_t generation;      /* changes whenever a region is mapped or unmapped */
} shadow_memory;

void shadow_memory_init(shadow_memory *sm);
void shadow_memory_free(shadow_memory *sm);
/* Map a new region of size bytes (rounded up to 4 KiB) where the model places them:
 * top-down, with a free guard page on each side; *base receives its address.
 * -1 when memory runs out. */
int shadow_memory_map(shadow_memory *sm, uint64_t size, uint64_t *base);
/* Map it at addr (4 KiB-aligned); -1 when that overlaps a region or memory runs out. */
int shadow_memory_map_at(shadow_memory *sm, uint64_t addr, uint64_t size);
bool shadow_memory_unmap(shadow_memory *sm, uint64_t base);
/* munmap: the regions that lie wholly inside [addr, addr + len). */
void shadow_memory_unmap_range(shadow_memory *sm, uint64_t addr, uint64_t len);
/* mprotect: regions overlapping [addr, addr + len) become (not) writable. */
void shadow_memory_protect(shadow_memory *sm, uint64_t addr, uint64_t len, bool writable);
/* madvise(MADV_DONTNEED): the part of each region in [addr, addr + len) reads 0. */
void shadow_memory_zero(shadow_memory *sm, uint64_t addr, uint64_t len);
bool shadow_memory_contains(const shadow_memory *sm, uint64_t addr, uint64_t len);
bool shadow_memory_overlaps(const shadow_memory *sm, uint64_t addr, uint64_t len);
/* 8-byte access at an 8-aligned address (4-aligned for the 32-bit write).  Writes
 * fail on a region that is not writable, as a shadow-stack write to a read-only
 * shadow-stack page faults. */
bool shadow_memory_read(shadow_memory *sm, uint64_t addr, uint64_t *value);
bool shadow_memory_peek(const shadow_memory *sm, uint64_t addr, uint64_t *value);
bool shadow_memory_write(shadow_memory *sm, uint64_t addr, uint64_t value);
bool shadow_memory_write32(shadow_memory *sm, uint64_t addr, uint32_t value);

/* Hand each range written since the last drain to visit (8-aligned, whole slots) and
 * forget it; a nonzero return of visit stops the drain (what is not yet handed
 * over stays to be drained) and is returned. */
typedef int (*shadow_range_visitor)(void *ctx, uint64_t addr, const uint64_t *words, size_t count);
int shadow_memory_drain(shadow_memory *sm, shadow_range_visitor visit, void *ctx);

#endif
