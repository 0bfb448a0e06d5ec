/* Keeping the live breakpoint set small (see breakpoint_budget.c). */
#ifndef HARNESS_BREAKPOINT_BUDGET_H
#define HARNESS_BREAKPOINT_BUDGET_H

#include <stdint.h>

struct engine;

int breakpoint_budget_init(struct engine *e);
void breakpoint_budget_free(struct engine *e);
/* Every breakpoint planted: replanting flushed ones is what grows the budget. */
void breakpoint_budget_note_insert(struct engine *e, uint64_t addr);
/* At a breakpoint stop, before its handler runs: if the live set is over budget and the
 * guest is single-threaded, remove every breakpoint and forget what was explored. */
int breakpoint_budget_check(struct engine *e);

#endif
