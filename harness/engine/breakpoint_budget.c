/* Keeping QEMU's breakpoint list short.
 *
 * QEMU walks its whole breakpoint list before every translation-block lookup, and on a
 * page that holds a breakpoint every instruction is a block of its own (ECOSYSTEM.md
 * section 2).  The explorer only ever adds breakpoints, so a dynamically linked program
 * collects thousands (2280 for sort: the loader and libc start-up included), and the
 * walk over them became a quarter of QEMU's time, long after that start-up code last
 * ran.
 *
 * Once the live set passes a budget, the harness starts over at a breakpoint stop: it
 * removes every breakpoint and forgets what it explored.  That is sound because the
 * stop's handler explores the branch target it computes, as at the program's first
 * instruction, so all code the thread can reach before its next stop has its
 * breakpoints again; signal handlers, which run without a stop of their own, are
 * explored anew here.  Only a single-threaded guest is flushed: another running thread
 * could be anywhere in the forgotten code.
 *
 * A working set larger than the budget would be flushed over and over, each time at
 * the cost of a round trip per breakpoint.  What tells a working set from start-up code
 * that ran once is whether the breakpoints planted since the last flush are ones that
 * flush removed: when more than half the budget are, the budget doubles.  A budget
 * given with --breakpoint-budget stays as it is (tests flush at every stop with 1). */
#include "engine/breakpoint_budget.h"
#include "engine/engine.h"

#include <stdlib.h>

enum { BUDGET_INITIAL = 512, BUDGET_MAX = 1 << 16 };

int breakpoint_budget_init(engine *e)
{
    e->breakpoint_budget_fixed = e->opt->breakpoint_budget > 0;
    e->breakpoint_budget = e->breakpoint_budget_fixed ? e->opt->breakpoint_budget : BUDGET_INITIAL;
    return addr_map_init(&e->flushed_breakpoints, 1024);
}

void breakpoint_budget_free(engine *e)
{
    addr_map_free(&e->flushed_breakpoints);
}

void breakpoint_budget_note_insert(engine *e, uint64_t addr)
{
    if (addr_map_get(&e->flushed_breakpoints, addr, NULL))
        e->breakpoints_replanted++;
}

static bool may_flush(const engine *e)
{
    return !engine_several_threads(e) && e->nsuspended == 0 &&
           e->cur && e->cur->stepping == STEP_NONE;
}

static int remove_all_breakpoints(engine *e)
{
    size_t n = 0, cursor = 0;
    uint64_t addr, unused;
    uint64_t *all = malloc(e->breakpoints.count * sizeof *all);
    if (!all)
        return engine_fail(e, "out of memory");
    while (addr_map_next(&e->breakpoints, &cursor, &addr, &unused))
        all[n++] = addr;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = engine_remove_breakpoint(e, all[i]);
        if (rc == 0 && addr_map_put(&e->flushed_breakpoints, all[i], 1) != 0)
            rc = engine_fail(e, "out of memory");
    }
    free(all);
    return rc;
}

static int explore_signal_handlers(engine *e)
{
    for (int sig = 1; sig < MAX_SIGNALS; sig++) {
        uint64_t handler = cet_model_signal_handler(e->model, sig);
        if (handler > 1 && engine_explore(e, handler) != 0)
            return -1;
    }
    return 0;
}

int breakpoint_budget_check(engine *e)
{
    if (e->breakpoints.count <= e->breakpoint_budget || !may_flush(e))
        return 0;
    if (!e->breakpoint_budget_fixed && e->breakpoints_replanted > e->breakpoint_budget / 2 &&
        e->breakpoint_budget < BUDGET_MAX)
        e->breakpoint_budget *= 2;
    e->breakpoints_replanted = 0;
    e->out.stats.breakpoint_flushes++;
    if (remove_all_breakpoints(e) != 0)
        return -1;
    addr_map_clear(&e->explored);
    return explore_signal_handlers(e);
}
