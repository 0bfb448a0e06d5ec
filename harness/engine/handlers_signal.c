/* A guest signal stopped the target: QEMU is about to deliver it.  Push the kernel's
 * shadow-stack signal frame (CET.md 3.3) when a handler will run, and forward the
 * signal with "C" (a plain "c" would discard it). */
#include "engine/engine.h"

#include "qemu/gdb_signals.h"

/* The thread was running over an instruction when the signal came. */
static int settle_step(engine *e, guest_thread *t)
{
    if (t->stepping == STEP_NONE)
        return 0;
    bool syscall_done = t->in_syscall && e->regs.rip != t->step_pc;
    if (t->stepping == STEP_RUN_TO && t->step_to_temporary &&
        engine_remove_breakpoint(e, t->step_to) != 0)
        return -1;
    t->stepping = STEP_NONE;
    t->in_syscall = false;
    t->in_cpuid = false;   /* the CPUID may not have run */
    return syscall_done ? handle_syscall_done(e, t) : 0;
}

/* Resumed at the twin ret, stopped before it ran: perform that ret now, so the
 * signal frame's saved rip is where the ret was going. */
static int finish_twin_ret(engine *e)
{
    uint64_t rsp, target;
    if (engine_reg(e, REG_RSP, &rsp) != 0 || engine_read_u64(e, rsp, &target) != 0 ||
        engine_set_reg(e, REG_RSP, rsp + 8) != 0)
        return -1;
    return engine_set_reg(e, REG_RIP, target);
}

/* Interrupted inside a fused call, whose return the model was told of at the call:
 * the call's entry goes back on the shadow stack, and the function's RETs get their
 * breakpoints. */
static int enter_fused_call(engine *e)
{
    fused_function *f = call_fusion_owner(e, e->regs.rip);
    uint64_t rsp, ret;
    if (!f)
        return 0;
    if (engine_reg(e, REG_RSP, &rsp) != 0 || engine_read_u64(e, rsp, &ret) != 0)
        return -1;
    cet_event ev = {.kind = CET_EVENT_CALL, .u.call.return_address = ret};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    e->out.stats.rets--;
    e->out.stats.fused_rets--;
    return call_fusion_undo(e, f);
}

int handle_signal_stop(engine *e, int gdb_signal, resume_action *how)
{
    guest_thread *t = e->cur;
    int sig = gdb_signal_to_linux(gdb_signal);
    e->out.stats.signals++;
    if (e->conf.on) {
        bool ended;
        if (conformance_on_signal(e, sig, &ended) != 0)
            return -1;
        if (ended) {
            how->kind = RESUME_KILL;
            return 0;
        }
    }
    if (settle_step(e, t) != 0)
        return -1;
    if (!e->conf.on && e->twin_ret && e->regs.rip == e->twin_ret && finish_twin_ret(e) != 0)
        return -1;
    if (enter_fused_call(e) != 0)
        return -1;
    e->last_signal = sig;
    e->last_signal_pc = e->regs.rip;
    how->kind = RESUME_SIGNAL;
    how->gdb_signal = gdb_signal;
    if (sig <= 0 || sig >= MAX_SIGNALS)
        return 0;
    cet_event ev = {.kind = CET_EVENT_SIGNAL, .u.signal.sig = sig};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (v.note)
        engine_warn(e, "thread %d: %s", t->number, v.note);
    return v.handler ? engine_explore(e, v.handler) : 0;
}
