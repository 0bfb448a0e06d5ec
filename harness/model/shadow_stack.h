/* One thread's shadow stack: its SSP and the operations CET defines on it
 * (CET.md section 2).  The stack's contents live in shadow_memory. */
#ifndef HARNESS_SHADOW_STACK_H
#define HARNESS_SHADOW_STACK_H

#include "model/shadow_memory.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shadow_stack {
    bool enabled;            /* SH_STK_EN */
    bool wrss_enabled;       /* WR_SHSTK_EN */
    uint64_t ssp;
    uint64_t base, size;     /* the region made for this thread (0 when none) */
} shadow_stack;

/* What an operation did, in CET terms. */
typedef enum ss_result {
    SS_OK,
    SS_FAULT_PAGE,           /* touched memory that is no shadow stack: #PF (SIGSEGV) */
    SS_FAULT_GP,             /* #GP (SIGSEGV): misaligned operand, bad previous-SSP token */
    SS_FAULT_CP,             /* #CP: the caller knows which code */
} ss_result;

/* Make a fresh, empty stack of size bytes for a thread (SSP = top, no token). */
int shadow_stack_create(shadow_stack *ss, shadow_memory *sm, uint64_t size);
void shadow_stack_destroy(shadow_stack *ss, shadow_memory *sm);

ss_result shadow_stack_push(shadow_stack *ss, shadow_memory *sm, uint64_t value);
ss_result shadow_stack_pop(shadow_stack *ss, shadow_memory *sm, uint64_t *value);
ss_result shadow_stack_peek(const shadow_stack *ss, shadow_memory *sm, uint64_t *value);
/* Entries between SSP and the top of the region SSP is in, top first; at most max. */
size_t shadow_stack_dump(const shadow_stack *ss, const shadow_memory *sm, uint64_t *out, size_t max);
/* Depth in entries of the region SSP is in (0 when SSP is at its top). */
size_t shadow_stack_depth(const shadow_stack *ss, const shadow_memory *sm);

/* INCSSPD/INCSSPQ: count is the register value (only bits 7:0 count), width 4 or 8. */
ss_result shadow_stack_incssp(shadow_stack *ss, shadow_memory *sm, uint64_t count, int width);
/* RSTORSSP m64 at address addr.  On SS_OK, *carry is the token's bit 2 (CF). */
ss_result shadow_stack_rstorssp(shadow_stack *ss, shadow_memory *sm, uint64_t addr, bool *carry);
ss_result shadow_stack_saveprevssp(shadow_stack *ss, shadow_memory *sm);

/* The kernel's signal frame (CET.md 3.3): token = old SSP | bit 63, then sa_restorer. */
ss_result shadow_stack_push_signal_frame(shadow_stack *ss, shadow_memory *sm, uint64_t restorer);
/* rt_sigreturn: the entry at SSP must be a signal token; SSP := token without bit 63. */
ss_result shadow_stack_pop_signal_frame(shadow_stack *ss, shadow_memory *sm);

/* Restore token of the 64-bit kind for a stack whose SSP would be ssp: ssp | 1. */
static inline uint64_t shadow_restore_token(uint64_t ssp) { return ssp | 1; }

#endif
