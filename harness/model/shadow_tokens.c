/* Restore tokens, previous-SSP tokens and the kernel's signal token: the parts of
 * the shadow-stack model that move SSP between stacks (CET.md 2.6 and 3.3). */
#include "model/shadow_stack.h"

enum {
    TOKEN_64BIT = 1 << 0,      /* restore token made in 64-bit mode */
    TOKEN_PREV_SSP = 1 << 1,   /* a previous-SSP token left by RSTORSSP */
    TOKEN_ALIGN_HOLE = 1 << 2, /* 32-bit alignment hole flag, reported in CF */
};
static const uint64_t SIGNAL_TOKEN_BIT = 1ULL << 63;

ss_result shadow_stack_rstorssp(shadow_stack *ss, shadow_memory *sm, uint64_t addr, bool *carry)
{
    uint64_t token;
    if (addr & 7)
        return SS_FAULT_GP;
    if (!shadow_memory_read(sm, addr, &token))
        return SS_FAULT_PAGE;
    if ((token & (TOKEN_64BIT | TOKEN_PREV_SSP)) != TOKEN_64BIT)
        return SS_FAULT_CP;
    if ((((token & ~(uint64_t)TOKEN_64BIT) - 8) & ~7ULL) != addr)
        return SS_FAULT_CP;
    shadow_memory_write(sm, addr, ss->ssp | TOKEN_PREV_SSP | TOKEN_64BIT);
    ss->ssp = addr;
    *carry = (token & TOKEN_ALIGN_HOLE) != 0;
    return SS_OK;
}

ss_result shadow_stack_saveprevssp(shadow_stack *ss, shadow_memory *sm)
{
    uint64_t token;
    if (ss->ssp & 7)
        return SS_FAULT_GP;
    if (!shadow_memory_read(sm, ss->ssp, &token))
        return SS_FAULT_PAGE;
    if (!(token & TOKEN_PREV_SSP) || !(token & TOKEN_64BIT) || (token & TOKEN_ALIGN_HOLE))
        return SS_FAULT_GP;
    uint64_t old = token & ~3ULL;
    if (!shadow_memory_write(sm, (old & ~7ULL) - 8, old | TOKEN_64BIT))
        return SS_FAULT_PAGE;
    ss->ssp += 8;
    return SS_OK;
}

ss_result shadow_stack_push_signal_frame(shadow_stack *ss, shadow_memory *sm, uint64_t restorer)
{
    uint64_t old = ss->ssp;
    if (old & 7)
        return SS_FAULT_GP;
    ss_result r = shadow_stack_push(ss, sm, old | SIGNAL_TOKEN_BIT);
    if (r == SS_OK)
        r = shadow_stack_push(ss, sm, restorer);
    if (r != SS_OK)
        ss->ssp = old;
    return r;
}

ss_result shadow_stack_pop_signal_frame(shadow_stack *ss, shadow_memory *sm)
{
    uint64_t token;
    if (ss->ssp & 7)
        return SS_FAULT_GP;
    if (!shadow_memory_read(sm, ss->ssp, &token))
        return SS_FAULT_PAGE;
    if (!(token & SIGNAL_TOKEN_BIT))
        return SS_FAULT_GP;
    token &= ~SIGNAL_TOKEN_BIT;
    if (token & 7)
        return SS_FAULT_GP;
    ss->ssp = token;
    return SS_OK;
}
