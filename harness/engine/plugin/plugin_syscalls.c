/* System calls as the plugin tells them: the call with its arguments (and the memory a
 * path or a struct sigaction argument points at, read inside the call), then its result.
 * What they mean for the model is the trace core's (trace_records.c, trace_files.c);
 * here they are matched to a thread by the vCPU that made them, which the plugin knows
 * exactly (QEMU's log does not). */
#include "engine/plugin/plugin_run.h"

#include <stdlib.h>
#include <string.h>

enum {
    NR_OPEN = 2, NR_CLOSE = 3, NR_MMAP = 9, NR_RT_SIGACTION = 13, NR_RT_SIGRETURN = 15,
    NR_CLONE = 56, NR_FORK = 57, NR_VFORK = 58, NR_EXECVE = 59,
    NR_ARCH_PRCTL = 158, NR_OPENAT = 257,
    NR_EXECVEAT = 322, NR_MAP_SHADOW_STACK = 453,
    CLONE_VM_FLAG = 0x100, CLONE_VFORK_FLAG = 0x4000, MAX_ERRNO = 4095,
};

static void forget_call(plugin_call *c)
{
    free(c->path);
    for (size_t i = 0; i < c->argc; i++)
        free(c->argv[i]);
    memset(c, 0, sizeof *c);
}

/* Which argument is a path, and which execve's argv (-1: none). */
static int path_arg(int64_t num)
{
    return num == NR_OPEN || num == NR_EXECVE ? 0 : num == NR_OPENAT || num == NR_EXECVEAT ? 1 : -1;
}

static int argv_arg(int64_t num)
{
    return num == NR_EXECVE ? 1 : num == NR_EXECVEAT ? 2 : -1;
}

void plugin_calls_free(plugin_run *p)
{
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        forget_call(&p->calls[i]);
    plugin_forget_child_execs(p);
}

int plugin_on_syscall(plugin_run *p, unsigned vcpu, const cs_syscall *r)
{
    trace_state *s = p->core;
    if (vcpu >= TRACE_MAX_VCPUS)
        return plugin_fail(p, "the plugin named vCPU %u; the plugin engine follows at most %d "
                           "threads at once", vcpu, TRACE_MAX_VCPUS);
    plugin_call *c = &p->calls[vcpu];
    trace_thread *t = &s->threads[vcpu];
    s->out->stats.syscalls++;
    forget_call(c);
    c->active = true;
    c->num = r->num;
    memcpy(c->args, r->args, sizeof c->args);
    if (r->num == NR_RT_SIGRETURN && t->live)
        trace_sigreturn(s, t);
    return 0;
}

void plugin_on_sysmem(plugin_run *p, unsigned vcpu, unsigned flags, const cs_sysmem *r)
{
    if (vcpu >= TRACE_MAX_VCPUS)
        return;
    plugin_call *c = &p->calls[vcpu];
    const char *data = (const char *)(r + 1);
    if (!c->active || c->num != r->num || r->len > r->h.size - sizeof *r)
        return;
    size_t len = strnlen(data, r->len);
    if ((flags & CS_MEM_STRING) && (int)r->arg == path_arg(r->num)) {
        free(c->path);
        c->path = strndup(data, len);
        c->pathlen = c->path ? len : 0;
    } else if ((flags & CS_MEM_STRING) && (int)r->arg == argv_arg(r->num)) {
        if (c->argc < UNCHECKED_ARGV_MAX && (c->argv[c->argc] = strndup(data, len)))
            c->argc++;
    } else if (r->num == NR_RT_SIGACTION && r->len >= sizeof c->action) {
        memcpy(c->action, data, sizeof c->action);
        c->has_action = true;
    }
}

static int sigaction_done(plugin_run *p, trace_thread *t, const plugin_call *c)
{
    int sig = (int)c->args[0];
    if (!c->has_action || sig <= 0 || sig >= 65)
        return 0;
    cet_event ev = {.kind = CET_EVENT_SIGACTION, .tid = trace_model_tid(p->core, t),
                    .u.sigaction = {sig, c->action[0], c->action[1], c->action[2]}};
    cet_verdict v;
    if (cet_model_apply(p->core->model, &ev, &v) != 0)
        return plugin_fail(p, "the CET model could not take rt_sigaction(%d): %s", sig,
                           v.note ? v.note : "?");
    plugin_refresh_handlers(p);
    return 0;
}

/* QEMU runs a clone without CLONE_VM, or with CLONE_VFORK, as a fork. */
static bool forks(const plugin_call *c)
{
    return c->num == NR_FORK || c->num == NR_VFORK ||
           (c->num == NR_CLONE && (!(c->args[0] & CLONE_VM_FLAG) || (c->args[0] & CLONE_VFORK_FLAG)));
}

static bool failed(int64_t ret)
{
    return ret < 0 && ret >= -MAX_ERRNO;
}

static int finish(plugin_run *p, trace_thread *t, const plugin_call *c, int64_t ret)
{
    trace_state *s = p->core;
    switch (c->num) {
    case NR_RT_SIGACTION:
        return ret == 0 ? sigaction_done(p, t, c) : 0;
    case NR_ARCH_PRCTL:
        return trace_cet_syscall(s, t, "arch_prctl", NR_ARCH_PRCTL, c->args, true, ret);
    case NR_MAP_SHADOW_STACK:
        return trace_cet_syscall(s, t, "map_shadow_stack", NR_MAP_SHADOW_STACK, c->args, true,
                                 ret);
    case NR_OPEN: case NR_OPENAT:
        if (ret >= 0 && c->path)
            trace_file_opened(s, ret, c->path, c->pathlen);
        return 0;
    case NR_MMAP:
        if (!failed(ret))
            trace_file_mapped(s, (uint64_t)ret, c->args[1], c->args[5], (int64_t)c->args[4]);
        return 0;
    case NR_CLOSE:
        trace_fd_closed(s, (int64_t)c->args[0]);
        return 0;
    case NR_FORK: case NR_VFORK: case NR_CLONE:
        if (ret > 0 && forks(c))
            run_outcome_note_child(s->out, ret);   /* it runs without the harness */
        return 0;
    default:
        return 0;
    }
}

int plugin_on_sysret(plugin_run *p, unsigned vcpu, const cs_sysret *r)
{
    if (vcpu >= TRACE_MAX_VCPUS)
        return 0;
    plugin_call *c = &p->calls[vcpu];
    trace_thread *t = &p->core->threads[vcpu];
    int rc = 0;
    if (c->active && c->num == r->num && t->live)
        rc = finish(p, t, c, r->ret);
    forget_call(c);
    return rc;
}

void plugin_note_exec(plugin_run *p)
{
    for (int i = 0; i < TRACE_MAX_VCPUS; i++) {
        const plugin_call *c = &p->calls[i];
        if (c->active && (c->num == NR_EXECVE || c->num == NR_EXECVEAT))
            run_outcome_note_exec(p->core->out, c->path ? c->path : "?",
                                  (const char *const *)c->argv, c->argc);
    }
}
