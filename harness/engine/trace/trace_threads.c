/* Blocks executed, thread by thread: each vCPU is a guest thread; the transfer from its
 * previous block to this one goes to the model, unless a signal came in between, which
 * defers it to the first block after the handler's rt_sigreturn. */
#include "decode/insn.h"
#include "engine/trace/trace_state.h"

#include <stdio.h>
#include <string.h>

/* The restorer of a signal frame when rt_sigaction's structure was not seen (the log does
 * not show it): the handler's final RET is accepted wherever it returns (see
 * trace_transfers.c). */
const uint64_t TRACE_RESTORER_UNKNOWN = 0xfffe00000000dead;

int trace_thread_start(trace_state *s, trace_thread *t)
{
    cet_event ev = {.kind = CET_EVENT_THREAD_START, .tid = trace_model_tid(s, t)};
    cet_verdict v;
    memset(t, 0, sizeof *t);
    t->live = true;
    t->number = ++s->thread_numbers;
    t->tid = -1;
    if (cet_model_apply(s->model, &ev, &v) == 0)
        return 0;
    snprintf(s->out->message, sizeof s->out->message, "the CET model could not start thread "
             "%d: %s", t->number, v.note ? v.note : "?");
    return -1;
}

static int deliver(trace_state *s, trace_thread *t, uint64_t handler)
{
    cet_event act = {.kind = CET_EVENT_SIGACTION, .tid = trace_model_tid(s, t),
                     .u.sigaction = {t->signal, handler, 0, TRACE_RESTORER_UNKNOWN}};
    cet_event sig = {.kind = CET_EVENT_SIGNAL, .tid = trace_model_tid(s, t),
                     .u.signal.sig = t->signal};
    cet_verdict v;
    if (t->ndeferred < TRACE_MAX_DEFERRED)
        t->deferred[t->ndeferred++] = (deferred_transfer){
            .has_block = t->has_prev && !t->signal_sync, .block = t->prev};
    t->signal = 0;
    if ((!s->dispositions_known && cet_model_apply(s->model, &act, &v) != 0) ||
        cet_model_apply(s->model, &sig, &v) != 0)
        return -1;
    if (v.note)
        run_outcome_warn(s->out, "thread %d: %s", t->number, v.note);
    return 0;
}

static int resolve_deferred(trace_state *s, trace_thread *t, uint64_t pc)
{
    t->resolve_next = false;
    if (t->ndeferred == 0)
        return 0;
    deferred_transfer d = t->deferred[--t->ndeferred];
    return d.has_block ? trace_transfer(s, t, d.block, pc) : 0;
}

static void remember_block(trace_state *s, trace_thread *t, const trace_block *b)
{
    t->has_prev = b != NULL;
    t->in_syscall = false;
    t->waiting_call = 0;   /* it runs: whatever it waited in has returned */
    if (!b)
        return;
    t->prev = (size_t)(b - s->blocks);
    t->in_syscall = b->last_kind == INSN_SYSCALL;
}

int trace_on_exec(trace_state *s, int vcpu, uint64_t pc)
{
    return trace_enter_block(s, vcpu, pc, trace_block_at(s, pc));
}

int trace_enter_block(trace_state *s, int vcpu, uint64_t pc, const trace_block *b)
{
    if (vcpu < 0 || vcpu >= TRACE_MAX_VCPUS) {
        snprintf(s->out->message, sizeof s->out->message, "QEMU's log names vCPU %d; the trace "
                 "engine follows at most %d threads at once", vcpu, TRACE_MAX_VCPUS);
        return -1;
    }
    trace_thread *t = &s->threads[vcpu];
    s->out->stats.blocks++;
    s->last_vcpu = vcpu;
    if (!t->live && trace_thread_start(s, t) != 0)
        return -1;
    int rc = 0;
    if (t->stop_round)
        trace_resolve_stop(s, t, pc);
    if (t->signal)
        rc = deliver(s, t, pc);
    else if (t->resolve_next)
        rc = resolve_deferred(s, t, pc);
    else if (t->has_prev)
        rc = trace_transfer(s, t, t->prev, pc);
    remember_block(s, t, b);
    return rc;
}
