/* The stop loop: resume, wait for a stop, hand the stopped instruction to its
 * handler, resume as the handler says. */
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/breakpoint_budget.h"
#include "qemu/gdb_signals.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GDB_SIGTRAP = 5 };

int engine_wait_ms(const engine *e)
{
    double left = e->deadline - engine_now();
    /* An infinite deadline (no --timeout) waits as long as the guest runs. */
    if (isinf(left) || left > INT_MAX / 1000)
        return -1;
    return left > 0 ? (int)(left * 1000) + 1 : 1;
}

int engine_run_to(engine *e, bool has_to, uint64_t to, bool in_syscall, resume_action *how)
{
    guest_thread *t = e->cur;
    t->step_pc = e->regs.rip;
    t->in_syscall = in_syscall;
    if (engine_suspend_breakpoint(e, e->regs.rip) != 0)
        return -1;
    how->kind = RESUME_CONTINUE;
    if (!has_to) {
        t->stepping = STEP_NONE;
        return 0;
    }
    t->stepping = STEP_RUN_TO;
    t->step_to = to;
    t->step_to_temporary = !addr_map_get(&e->breakpoints, to, NULL);
    return engine_insert_breakpoint(e, to);
}

/* A thread that was running over an instruction stopped: finish that first. */
static int finish_step(engine *e, guest_thread *t)
{
    step_purpose purpose = t->stepping;
    t->stepping = STEP_NONE;
    if (purpose == STEP_RUN_TO && t->step_to_temporary && e->regs.rip == t->step_to)
        if (engine_remove_breakpoint(e, t->step_to) != 0)
            return -1;
    if (t->in_syscall) {
        t->in_syscall = false;
        if (handle_syscall_done(e, t) != 0)
            return -1;
    }
    if (t->in_cpuid && handle_cpuid_done(e, t) != 0)
        return -1;
    return engine_explore(e, e->regs.rip);
}

/* A new stop: forget the previous thread's registers and read this one's.  One "g"
 * (measured: a round trip costs about the same, 40 us, whatever its size) beats the
 * two or three "p" a call or return needs. */
static int read_registers(engine *e)
{
    e->regs_known = 0;
    e->regs_all = false;
    return engine_load_registers(e);
}

static int dispatch_breakpoint(engine *e, resume_action *how)
{
    insn in;
    uint64_t pc = e->regs.rip;
    if (code_cache_decode(&e->code, pc, &in) != 0)
        return e->code.link_failed
                   ? engine_rsp_fail(e, "cannot read the instruction at 0x%llx", (unsigned long long)pc)
                   : engine_fail(e, "cannot read the instruction at 0x%llx", (unsigned long long)pc);
    if (!insn_is_stop_point(&in) || in.kind == INSN_HALT || in.kind == INSN_INVALID) {
        /* Code changed under a breakpoint (or a temporary one): look again from here. */
        if (engine_remove_breakpoint(e, pc) != 0 || engine_explore(e, pc) != 0)
            return -1;
        if (addr_map_get(&e->breakpoints, pc, NULL))
            return dispatch_breakpoint(e, how);
        how->kind = RESUME_CONTINUE;
        return 0;
    }
    stop_handler h = engine_handler_for(in.kind);
    if (!h)
        return engine_fail(e, "no handler for %s at 0x%llx", insn_kind_name(in.kind),
                           (unsigned long long)pc);
    return h(e, &in, how);
}

const char *engine_symbolize(const engine *e, uint64_t addr, char *buf, size_t cap)
{
    return run_outcome_symbolize(&e->out, addr, buf, cap);
}

/* -v: one line a stop, with the instruction and where it is. */
static void trace_stop(engine *e, int signal)
{
    char where[512];
    insn in;
    uint64_t sp = 0;
    engine_reg(e, REG_RSP, &sp);
    bool decoded = code_cache_decode(&e->code, e->regs.rip, &in) == 0;
    fprintf(stderr, "cetharness: stop thread %d sig %d pc 0x%llx <%s> %s rsp 0x%llx\n",
            e->cur->number, signal, (unsigned long long)e->regs.rip,
            engine_symbolize(e, e->regs.rip, where, sizeof where), decoded ? in.text : "?",
            (unsigned long long)sp);
}

static int handle_stop(engine *e, const rsp_stop *st, resume_action *how)
{
    e->out.stats.stops++;
    guest_thread *t = engine_thread(e, st->has_thread ? st->tid : 0);
    if (!t)
        return engine_fail(e, "out of memory");
    e->cur = t;
    e->cur_pid = st->has_thread ? st->pid : -1;
    if (engine_select_stopped_thread(e, 'g') != 0 || read_registers(e) != 0 || engine_restore_suspended(e) != 0)
        return -1;
    if (e->opt->verbose)
        trace_stop(e, st->signal);
    if (st->signal != GDB_SIGTRAP)
        return handle_signal_stop(e, st->signal, how);
    if (engine_patch_fault_frame(e) != 0)
        return -1;
    bool stepped = t->stepping != STEP_NONE;
    if (stepped && finish_step(e, t) != 0)
        return -1;
    if (stepped && e->conf.on) {
        bool again, ended;
        if (conformance_after_step(e, &again, &ended) != 0)
            return -1;
        if (ended) {
            how->kind = RESUME_KILL;    /* the verdict is decided */
            return 0;
        }
        if (again)
            return engine_step_over(e, how);
    }
    if (addr_map_get(&e->breakpoints, e->regs.rip, NULL)) {
        if (breakpoint_budget_check(e) != 0)
            return -1;
        return dispatch_breakpoint(e, how);
    }
    /* A trap that is not ours: a guest int3, or a step that ended between breakpoints. */
    how->kind = RESUME_CONTINUE;
    return 0;
}

static int resume(engine *e, const resume_action *how)
{
    rsp_status s;
    if (e->opt->verbose > 1)
        fprintf(stderr, "cetharness: resume kind %d addr 0x%llx signal %d\n", how->kind,
                (unsigned long long)how->addr, how->gdb_signal);
    code_cache_next_generation(&e->code);
    /* "c ADDR" moves, "s" steps and "C SIG" signals the resume thread. */
    if (how->kind != RESUME_CONTINUE && how->kind != RESUME_KILL && engine_select_stopped_thread(e, 'c') != 0)
        return -1;
    switch (how->kind) {
    case RESUME_CONTINUE_AT: s = rsp_resume(e->rsp, RSP_CONTINUE, 0, true, how->addr); break;
    case RESUME_CONTINUE: s = rsp_resume(e->rsp, RSP_CONTINUE, 0, false, 0); break;
    case RESUME_STEP: e->out.stats.steps++; s = rsp_resume(e->rsp, RSP_STEP, 0, false, 0); break;
    case RESUME_SIGNAL: s = rsp_resume(e->rsp, RSP_CONTINUE, how->gdb_signal, false, 0); break;
    default: return 0;
    }
    return s == RSP_OK ? 0 : engine_rsp_fail_plain(e, "cannot resume the guest");
}

static int finish_with_stop(engine *e, const rsp_stop *st)
{
    if (st->kind == RSP_STOP_EXITED) {
        e->out.end = END_EXITED;
        e->out.exit_code = st->code;
    } else {
        e->out.end = END_SIGNALED;
        e->out.exit_signal = gdb_signal_to_linux(st->signal);
        if (e->last_signal == e->out.exit_signal && e->injected_signal != e->out.exit_signal) {
            e->out.crashed = true;
            e->out.crash_signal = e->out.exit_signal;
            e->out.crash_pc = e->last_signal_pc;
            if (engine_several_threads(e))
                engine_warn(e, "the guest runs several threads: when two stop at once, QEMU's "
                               "user-mode gdbstub can apply the harness's register reads and "
                               "writes to the other one, so this crash may be the harness's "
                               "doing, not the program's");
        }
    }
    return 0;
}

static int wait_for_stop(engine *e, rsp_stop *st)
{
    double left = e->deadline - engine_now();
    if (left <= 0) {
        e->out.end = END_TIMEOUT;
        return 1;
    }
    rsp_status s = rsp_wait_stop(e->rsp, engine_wait_ms(e), st);
    if (s == RSP_OK)
        return 0;
    if (s == RSP_ERR_TIMEOUT) {
        e->out.end = END_TIMEOUT;
        return 1;
    }
    if (s == RSP_ERR_EOF && engine_exec_happened(e)) {
        e->out.end = END_EXECED;   /* the stub's socket closed with QEMU's image */
        return 1;
    }
    if (s == RSP_ERR_EOF)
        return engine_fail(e, "QEMU closed the connection without an exit report (it died)");
    return engine_rsp_fail_plain(e, "lost the stop reply");
}

static int start(engine *e, resume_action *how)
{
    rsp_stop st;
    if (rsp_query_stop(e->rsp, &st) != RSP_OK)
        return engine_rsp_fail_plain(e, "QEMU did not report the initial stop");
    e->cur = engine_thread(e, st.has_thread ? st.tid : 0);
    e->cur_pid = st.has_thread ? st.pid : -1;
    if (!e->cur || read_registers(e) != 0)
        return -1;
    engine_learn_layout(e);
    uint64_t pc = e->regs.rip;
    if (engine_explore(e, pc) != 0)
        return -1;
    how->kind = RESUME_CONTINUE;
    if (addr_map_get(&e->breakpoints, pc, NULL))
        return dispatch_breakpoint(e, how);
    return 0;
}

int engine_run(engine *e)
{
    resume_action how = {0};
    if (start(e, &how) != 0)
        return -1;
    for (;;) {
        if (how.kind == RESUME_KILL) {
            if (e->out.end != END_ERROR)
                e->out.end = END_STOPPED;
            return 0;
        }
        if (how.kind == RESUME_SIGNAL && e->injected_signal == 0) {
            /* A fault the model raises (#UD, #GP, #PF): a crash if it ends the guest. */
            e->last_signal = gdb_signal_to_linux(how.gdb_signal);
            e->last_signal_pc = e->regs.rip;
        }
        if (shadow_mirror_drain(e) != 0 || resume(e, &how) != 0)
            return -1;
        rsp_stop st;
        int w = wait_for_stop(e, &st);
        if (w != 0)
            return w < 0 ? -1 : 0;
        if (st.kind != RSP_STOP_SIGNAL)
            return finish_with_stop(e, &st);
        memset(&how, 0, sizeof how);
        if (handle_stop(e, &st, &how) != 0)
            return -1;
        if (e->code.link_failed)
            return engine_rsp_fail_plain(e, "cannot read guest code");
    }
}
