/* The RSP engine's life cycle, its messages, its threads and its bridge to the model. */
#include "engine/engine.h"

#include "engine/breakpoint_budget.h"
#include "qemu/gdb_signals.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double engine_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int engine_init(engine *e, rsp_conn *rsp, const engine_config *opt, const elf_facts *elf)
{
    memset(e, 0, sizeof *e);
    e->rsp = rsp;
    e->opt = opt;
    run_outcome_init(&e->out, "rsp", opt, elf);
    cet_model_config mc = {.ibt = opt->ibt, .shstk = opt->shstk,
                          .shstk_follows_program = opt->shstk_follows_program,
                          .thread_stack_size = opt->shadow_stack_size};
    e->model = cet_model_new(&mc);
    if (!e->model)
        return -1;
    code_cache_init(&e->code, rsp);
    shadow_mirror_init(&e->mirror);
    if (addr_map_init(&e->breakpoints, 256) != 0 || addr_map_init(&e->explored, 1024) != 0 ||
        addr_map_init(&e->fusion_status, 64) != 0 || addr_map_init(&e->fusion_owner, 256) != 0 ||
        addr_map_init(&e->twin_searched, 64) != 0)
        return -1;
    e->deadline = opt->timeout_s > 0 ? engine_now() + opt->timeout_s : INFINITY;
    e->fusion_disabled = opt->no_fusion || opt->conformance;
    e->conf.on = opt->conformance;
    return breakpoint_budget_init(e);
}

void engine_free(engine *e)
{
    cet_model_free(e->model);
    run_outcome_free(&e->out);
    code_cache_free(&e->code);
    addr_map_free(&e->breakpoints);
    addr_map_free(&e->explored);
    breakpoint_budget_free(e);
    free(e->threads);
    free(e->suspended);
    addr_map_free(&e->twin_searched);
    call_fusion_free(e);
    shadow_mirror_free(&e->mirror);
}

void engine_warn(engine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    run_outcome_vwarn(&e->out, fmt, ap);
    va_end(ap);
}

int engine_fail(engine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->out.message, sizeof e->out.message, fmt, ap);
    va_end(ap);
    e->out.end = END_ERROR;
    return -1;
}

const char engine_concurrent_stops[] =
    "the guest runs several threads, so this is most likely two of them stopping at once, "
    "which QEMU's user-mode gdbstub cannot serve (it has no lock around a thread's stop): "
    "the run was ended rather than guessed at (the stop-free engines follow threads: "
    "--engine=plugin or trace, which --engine=auto takes with --on-violation=continue)";

bool engine_several_threads(const engine *e)
{
    return e->nthreads > 1 || e->threads_started > 0;
}

ssize_t engine_guest_fd_path(const engine *e, int64_t fd, char *path, size_t cap)
{
    char link[64];
    if (e->qemu_pid <= 0 || fd < 0 || fd > INT_MAX || cap < 2)
        return -1;
    snprintf(link, sizeof link, "/proc/%ld/fd/%d", e->qemu_pid, (int)fd);
    ssize_t n = readlink(link, path, cap - 1);
    if (n <= 0)
        return -1;
    path[n] = '\0';
    return n;
}

int engine_rsp_fail_plain(engine *e, const char *what)
{
    if (engine_several_threads(e))
        return engine_fail(e, "%s: %s; %s", what, rsp_error(e->rsp), engine_concurrent_stops);
    return engine_fail(e, "%s: %s", what, rsp_error(e->rsp));
}

int engine_rsp_fail(engine *e, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return engine_rsp_fail_plain(e, what);
}

/* --- threads ---------------------------------------------------------------- */

guest_thread *engine_thread(engine *e, int64_t tid)
{
    for (size_t i = 0; i < e->nthreads; i++)
        if (e->threads[i].tid == tid)
            return &e->threads[i];
    if (e->nthreads == e->capthreads) {
        size_t cap = e->capthreads ? e->capthreads * 2 : 8;
        guest_thread *t = realloc(e->threads, cap * sizeof *t);
        if (!t)
            return NULL;
        e->threads = t;
        e->capthreads = cap;
        e->cur = NULL;
    }
    guest_thread *t = &e->threads[e->nthreads];
    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->number = ++e->thread_numbers;
    /* A thread after the first comes from the last clone (CLONE_VM) the harness saw. */
    cet_event ev = {.kind = CET_EVENT_THREAD_START, .tid = tid};
    if (e->nthreads > 0) {
        ev.u.thread.parent = e->clone_parent;
        ev.u.thread.shadow_stack_size = e->clone_shadow_stack_size;
    }
    cet_verdict v;
    if (cet_model_apply(e->model, &ev, &v) != 0)
        return NULL;
    e->nthreads++;
    return t;
}

void engine_forget_thread(engine *e, int64_t tid)
{
    for (size_t i = 0; i < e->nthreads; i++) {
        if (e->threads[i].tid != tid)
            continue;
        cet_event ev = {.kind = CET_EVENT_THREAD_EXIT, .tid = tid};
        cet_verdict v;
        cet_model_apply(e->model, &ev, &v);
        e->threads[i] = e->threads[--e->nthreads];
        e->cur = NULL;
        return;
    }
}

/* --- the model ---------------------------------------------------------------- */

int engine_apply(engine *e, cet_event *ev, cet_verdict *v)
{
    ev->tid = e->cur->tid;
    if (cet_model_apply(e->model, ev, v) != 0)
        return engine_fail(e, "the CET model could not take a %s event of thread %d: %s",
                           cet_event_kind_name(ev->kind), e->cur->number,
                           v->note ? v->note : "?");
    return 0;
}

int engine_step_over(engine *e, resume_action *how)
{
    e->cur->stepping = STEP_SINGLE;
    e->cur->step_pc = e->regs.rip;
    how->kind = RESUME_STEP;
    return 0;
}

bool engine_branch_ended(const resume_action *how)
{
    return how->kind == RESUME_KILL || how->kind == RESUME_SIGNAL;
}
