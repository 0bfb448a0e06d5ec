/* Near CALL/RET and the stack-walk helpers of the shadow-stack model. */
#include "model/shadow_stack.h"

#include <string.h>

int shadow_stack_create(shadow_stack *ss, shadow_memory *sm, uint64_t size)
{
    uint64_t base;
    if (shadow_memory_map(sm, size, &base) != 0)
        return -1;
    ss->base = base;
    ss->size = (size + 4095) & ~4095ULL;
    ss->ssp = base + ss->size;
    return 0;
}

void shadow_stack_destroy(shadow_stack *ss, shadow_memory *sm)
{
    if (ss->size)
        shadow_memory_unmap(sm, ss->base);
    memset(ss, 0, sizeof *ss);
}

ss_result shadow_stack_push(shadow_stack *ss, shadow_memory *sm, uint64_t value)
{
    if (!shadow_memory_write(sm, ss->ssp - 8, value))
        return SS_FAULT_PAGE;
    ss->ssp -= 8;
    return SS_OK;
}

ss_result shadow_stack_peek(const shadow_stack *ss, shadow_memory *sm, uint64_t *value)
{
    return shadow_memory_read(sm, ss->ssp, value) ? SS_OK : SS_FAULT_PAGE;
}

ss_result shadow_stack_pop(shadow_stack *ss, shadow_memory *sm, uint64_t *value)
{
    ss_result r = shadow_stack_peek(ss, sm, value);
    if (r == SS_OK)
        ss->ssp += 8;
    return r;
}

size_t shadow_stack_dump(const shadow_stack *ss, const shadow_memory *sm, uint64_t *out, size_t max)
{
    size_t n = 0;
    uint64_t v;
    for (uint64_t a = ss->ssp & ~7ULL; n < max && shadow_memory_peek(sm, a, &v); a += 8)
        out[n++] = v;
    return n;
}

size_t shadow_stack_depth(const shadow_stack *ss, const shadow_memory *sm)
{
    for (size_t i = 0; i < sm->count; i++) {
        const shadow_region *r = &sm->regions[i];
        if (ss->ssp >= r->base && ss->ssp <= r->base + r->size)
            return (size_t)((r->base + r->size - ss->ssp) / 8);
    }
    return 0;
}

ss_result shadow_stack_incssp(shadow_stack *ss, shadow_memory *sm, uint64_t count, int width)
{
    uint64_t n = count & 0xff;
    uint64_t first, last;
    /* Hardware reads the first and the last entry it pops, even for a count of 0. */
    if (!shadow_memory_read(sm, ss->ssp & ~7ULL, &first))
        return SS_FAULT_PAGE;
    uint64_t last_addr = ss->ssp + ((n ? n : 1) - 1) * (uint64_t)width;
    if (!shadow_memory_read(sm, last_addr & ~7ULL, &last))
        return SS_FAULT_PAGE;
    ss->ssp += n * (uint64_t)width;
    return SS_OK;
}
