/* The log's system calls, signals and QEMU's page-layout lines: threads that start and
 * end, signal handlers and rt_sigreturn, the kernel's CET ABI (which QEMU does not
 * implement: the model's answer is compared with QEMU's), and where the program and its loader were placed. */
#include "engine/trace/trace_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SYS_ARCH_PRCTL = 158, SYS_MAP_SHADOW_STACK = 453 };

static trace_thread *thread_with_tid(trace_state *s, int64_t tid)
{
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        if (s->threads[i].live && s->threads[i].tid == tid)
            return &s->threads[i];
    return NULL;
}

static bool tid_taken(const trace_state *s, int64_t tid)
{
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        if (s->threads[i].live && s->threads[i].tid == tid)
            return true;
    return false;
}

/* The thread a system call belongs to: the one whose last block ended in a syscall
 * and that is not waiting in an earlier call (QEMU 9.1 and older print the process id
 * for every thread, so the id decides only between several such threads), else the one
 * with that id, else the last to run. */
static trace_thread *thread_for_syscall(trace_state *s, int64_t tid)
{
    trace_thread *t = NULL, *last = &s->threads[s->last_vcpu];
    int candidates = 0;
    for (int i = 0; i < TRACE_MAX_VCPUS; i++) {
        trace_thread *c = &s->threads[i];
        if (!c->live || !c->in_syscall || c->waiting_call)
            continue;
        if (!t || c->tid == tid || (c == last && t->tid != tid))
            t = c;
        candidates++;
    }
    if (!candidates)
        t = thread_with_tid(s, tid);
    if (!t && last->live)
        t = last;
    if (t && t->tid < 0 && !tid_taken(s, tid))
        t->tid = tid;
    return t;
}

static bool named(const qlog_record *rec, const char *name)
{
    return strcmp(rec->name, name) == 0;
}

static bool arg_is(const qlog_record *rec, int i, const char *text)
{
    return i < rec->nargs && rec->argstr[i] && strcmp(rec->argstr[i], text) == 0;
}

int trace_thread_exit(trace_state *s, trace_thread *t)
{
    cet_event ev = {.kind = CET_EVENT_THREAD_EXIT, .tid = trace_model_tid(s, t)};
    cet_verdict v;
    t->live = false;
    return cet_model_apply(s->model, &ev, &v);
}

void trace_sigreturn(trace_state *s, trace_thread *t)
{
    cet_event ev = {.kind = CET_EVENT_SIGRETURN, .tid = trace_model_tid(s, t)};
    cet_verdict v;
    t->resolve_next = true;
    if (cet_model_apply(s->model, &ev, &v) == 0 && v.outcome != CET_NOTHING)
        run_outcome_warn(s->out, "thread %d: %s: the kernel sends SIGSEGV there (the trace "
                         "engine does not stop the guest)", t->number, v.note ? v.note : "bad frame");
}

static void sigaction(trace_state *s, const qlog_record *rec)
{
    int sig = rec->nargs > 0 && (rec->numeric_args & 1) ? (int)rec->args[0] : 0;
    if (sig > 0 && sig < 65 && rec->nargs > 1 && !arg_is(rec, 1, "NULL") && !arg_is(rec, 1, "0"))
        s->handler_installed[sig] = true;
}

int trace_cet_syscall(trace_state *s, trace_thread *t, const char *name, uint64_t nr,
                      const uint64_t args[6], bool has_result, int64_t result)
{
    cet_event ev = {.kind = CET_EVENT_SYSCALL, .tid = trace_model_tid(s, t), .u.syscall.nr = nr};
    cet_verdict v;
    memcpy(ev.u.syscall.args, args, sizeof ev.u.syscall.args);
    if (!cet_model_answers_syscall(nr, ev.u.syscall.args[0]))
        return 0;
    if (cet_model_apply(s->model, &ev, &v) != 0)
        return -1;
    bool moot = cet_model_shstk_request_is_moot(s->model, nr, ev.u.syscall.args);
    if (!moot && has_result && result != v.result)
        run_outcome_warn(s->out, "%s(0x%llx, 0x%llx): QEMU answered %lld where Linux with CET "
                         "answers %lld; the %s engine cannot give the guest that answer "
                         "(--engine=rsp does)", name, (unsigned long long)ev.u.syscall.args[0],
                         (unsigned long long)ev.u.syscall.args[1], (long long)result,
                         (long long)v.result, s->out->engine_name);
    return 0;
}

/* The kernel's CET ABI as the log shows it. */
static int cet_abi(trace_state *s, trace_thread *t, const qlog_record *rec, uint64_t nr)
{
    uint64_t args[6] = {0};
    for (int i = 0; i < rec->nargs && i < 6; i++)
        args[i] = rec->args[i];
    return trace_cet_syscall(s, t, rec->name, nr, args, rec->has_result, rec->result);
}

/* A call starts to wait: whose it is is told now, while the blocks before it are the
 * latest, and its record later goes to the same thread. */
void trace_on_syscall_waiting(trace_state *s, const qlog_record *rec)
{
    if (s->forked)
        return;
    trace_thread *t = thread_for_syscall(s, rec->tid);
    if (!t)
        return;
    t->in_syscall = false;
    t->waiting_call = rec->call_id;
    s->waiting[s->next_waiting++ % TRACE_MAX_WAITING_CALLS] =
        (waiting_call){rec->call_id, (int)(t - s->threads), t->number};
}

/* The thread a waiting call was given to (NULL when it has ended since); forgets the
 * call.  *announced: the call was announced at all. */
static trace_thread *thread_of_waiting_call(trace_state *s, uint64_t call_id, bool *announced)
{
    *announced = false;
    for (int i = 0; call_id && i < TRACE_MAX_WAITING_CALLS; i++) {
        waiting_call *w = &s->waiting[i];
        if (w->call_id != call_id)
            continue;
        trace_thread *t = &s->threads[w->vcpu];
        w->call_id = 0;
        *announced = true;
        if (!t->live || t->number != w->number)
            return NULL;
        if (t->waiting_call == call_id)
            t->waiting_call = 0;
        return t;
    }
    return NULL;
}

int trace_on_syscall(trace_state *s, const qlog_record *rec)
{
    s->out->stats.syscalls++;
    trace_note_processes(s, rec);
    if (s->forked)
        return 0;
    bool announced;
    trace_thread *t = thread_of_waiting_call(s, rec->call_id, &announced);
    if (!announced && (t = thread_for_syscall(s, rec->tid)) != NULL)
        t->in_syscall = false;
    if (!t)
        return 0;
    trace_on_file_syscall(s, rec);
    if (named(rec, "exit"))
        return trace_thread_exit(s, t);
    if (named(rec, "rt_sigreturn"))
        trace_sigreturn(s, t);
    else if (named(rec, "rt_sigaction"))
        sigaction(s, rec);
    else if (named(rec, "arch_prctl"))
        return cet_abi(s, t, rec, SYS_ARCH_PRCTL);
    else if (named(rec, "map_shadow_stack") || rec->nr == SYS_MAP_SHADOW_STACK)
        return cet_abi(s, t, rec, SYS_MAP_SHADOW_STACK);
    return 0;
}

int trace_on_signal(trace_state *s, const qlog_record *rec)
{
    if (s->forked)
        return 0;   /* whose it is cannot be told any more */
    trace_thread *t = rec->tid >= 0 ? thread_with_tid(s, rec->tid) : NULL;
    if (!t)
        t = &s->threads[s->last_vcpu];
    s->out->stats.signals++;
    s->last_signal = rec->signo;
    if (!t->live || rec->signo <= 0 || rec->signo >= 65 || !s->handler_installed[rec->signo])
        return 0;   /* the default action: the guest dies of it, or it is ignored */
    t->signal = rec->signo;
    /* A fault interrupts its block; a signal from outside waits for the block's end. */
    t->signal_sync = rec->has_si_code && rec->si_code > 0;
    return 0;
}
