/* A #CP the model predicts at the current stop: make sure it is this thread's, then
 * record it with what a report needs, and decide how the guest goes on. */
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "qemu/gdb_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CONFIRM_QUIET_MS = 20 };

/* With several threads, QEMU's stub may have answered this stop's register reads for
 * another thread that stopped at the same moment (it switches its register thread at
 * every stop), and a violation found in those registers would be the harness's
 * invention.  Before one is reported: name the thread, read its registers again, and
 * make sure nothing else came over the wire. */
static int confirm_registers_are_this_threads(engine *e)
{
    if (!engine_several_threads(e))
        return 0;
    uint64_t rip = e->regs.rip, sp = e->regs.gpr[REG_RSP];
    e->regs_all = false;
    if (engine_select_stopped_thread(e, 'g') != 0 || engine_load_registers(e) != 0)
        return -1;
    if (e->regs.rip != rip || e->regs.gpr[REG_RSP] != sp)
        return engine_fail(e, "thread %d's registers read again differ from those of its stop; %s",
                           e->cur->number, engine_concurrent_stops);
    if (rsp_input_pending(e->rsp, CONFIRM_QUIET_MS))
        return engine_fail(e, "another stop arrived while thread %d's violation was examined; %s",
                           e->cur->number, engine_concurrent_stops);
    return 0;
}

void engine_violation(engine *e, const cet_verdict *cv, const insn *in,
                      bool has_target, uint64_t target, resume_action *how)
{
    bool ibt = cv->cp == CP_ENDBRANCH;
    if (e->conf.on) {
        conformance_predict_cp(e, cv, in, target); /* the emulator must raise it */
        (void)has_target;
        return;
    }
    if (confirm_registers_are_this_threads(e) != 0) {
        how->kind = RESUME_KILL;    /* e->out.end is END_ERROR: no violation, an error */
        return;
    }
    violation *v = run_outcome_add_violation(&e->out);
    if (v) {
        v->ibt = ibt;
        v->reason = cv->reason;
        v->thread = e->cur->number;
        v->tid = e->cur->tid;
        v->pc = in->addr;
        v->target = target;
        v->has_target = has_target;
        v->expected = cv->expected;
        v->has_expected = cv->has_expected;
        snprintf(v->insn_text, sizeof v->insn_text, "%s", in->text);
        insn t;
        if (has_target && code_cache_decode(&e->code, target, &t) == 0)
            snprintf(v->target_text, sizeof v->target_text, "%s", t.text);
        v->stack_depth = cet_model_shadow_dump(e->model, e->cur->tid, v->stack, SHADOW_DUMP_MAX);
    }
    if (e->opt->verbose)
        fprintf(stderr, "cetharness: %s violation (%s) at 0x%llx\n", ibt ? "ibt" : "shstk",
                cv->reason, (unsigned long long)in->addr);
    if (e->opt->on_violation == ON_VIOLATION_STOP) {
        how->kind = RESUME_KILL;
    } else if (e->opt->on_violation == ON_VIOLATION_SIGNAL) {
        if (engine_signal_cp(e, cv, how) != 0)
            how->kind = RESUME_KILL;    /* e->out.end is END_ERROR */
    }
    /* ON_VIOLATION_CONTINUE: the handler's own resume stands. */
}

