/* What changes shadow-stack memory besides the shadow-stack accesses themselves:
 * mprotect and madvise on it, and the drain that hands written ranges to whoever
 * keeps a copy of it in the guest. */
#include "model/shadow_memory.h"

#include <string.h>

/* The part of r that [addr, addr + len) covers, as byte offsets; false if none. */
static bool overlap(const shadow_region *r, uint64_t addr, uint64_t len, uint64_t *lo, uint64_t *hi)
{
    if (addr >= r->base + r->size || r->base >= addr + len)
        return false;
    *lo = addr > r->base ? addr - r->base : 0;
    *hi = addr + len < r->base + r->size ? addr + len - r->base : r->size;
    return true;
}

void shadow_memory_protect(shadow_memory *sm, uint64_t addr, uint64_t len, bool writable)
{
    uint64_t lo, hi;
    for (size_t i = 0; i < sm->count; i++)
        if (overlap(&sm->regions[i], addr, len, &lo, &hi))
            sm->regions[i].writable = writable;
}

void shadow_memory_zero(shadow_memory *sm, uint64_t addr, uint64_t len)
{
    uint64_t lo, hi;
    for (size_t i = 0; i < sm->count; i++) {
        shadow_region *r = &sm->regions[i];
        if (!overlap(r, addr, len, &lo, &hi))
            continue;
        lo &= ~7ULL;
        hi = (hi + 7) & ~7ULL;
        memset(&r->slots[lo / 8], 0, hi - lo);
        /* The zeroes are written too: a guest copy that did not drop the pages must. */
        if (r->dirty_lo == r->dirty_hi || lo < r->dirty_lo)
            r->dirty_lo = lo;
        if (hi > r->dirty_hi)
            r->dirty_hi = hi;
    }
}

int shadow_memory_drain(shadow_memory *sm, shadow_range_visitor visit, void *ctx)
{
    for (size_t i = 0; i < sm->count; i++) {
        shadow_region *r = &sm->regions[i];
        if (r->dirty_lo == r->dirty_hi)
            continue;
        int rc = visit(ctx, r->base + r->dirty_lo, &r->slots[r->dirty_lo / 8],
                       (size_t)((r->dirty_hi - r->dirty_lo) / 8));
        if (rc != 0)
            return rc;
        r->dirty_lo = r->dirty_hi = 0;
    }
    return 0;
}
