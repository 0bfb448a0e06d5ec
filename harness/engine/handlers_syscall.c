/* System calls: the ones that move control or create state the model must follow
 * (signals, threads, code mappings, the kernel's shadow-stack ABI), and how to get
 * past the syscall instruction without losing sight of the guest. */
#include "engine/engine.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
    SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11, SYS_RT_SIGACTION = 13,
    SYS_RT_SIGRETURN = 15, SYS_MREMAP = 25, SYS_MADVISE = 28, SYS_EXECVE = 59, SYS_EXIT = 60,
    SYS_ARCH_PRCTL = 158, SYS_EXIT_GROUP = 231, SYS_EXECVEAT = 322, SYS_MAP_SHADOW_STACK = 453,
    SYS_CLONE = 56, SYS_FORK = 57, SYS_VFORK = 58, SYS_KILL = 62, SYS_TKILL = 200,
    SYS_TGKILL = 234, SYS_CLONE3 = 435,
};
enum { CLONE_VM_FLAG = 0x100, CLONE_VFORK_FLAG = 0x4000 };

bool syscall_is_followed(uint64_t nr)
{
    static const uint16_t followed[] = {
        SYS_MMAP, SYS_MPROTECT, SYS_MUNMAP, SYS_RT_SIGACTION, SYS_RT_SIGRETURN, SYS_MREMAP,
        SYS_MADVISE,
        SYS_CLONE, SYS_FORK, SYS_VFORK, SYS_EXECVE, SYS_EXIT, SYS_KILL, SYS_ARCH_PRCTL,
        SYS_TKILL, SYS_EXIT_GROUP, SYS_TGKILL, SYS_EXECVEAT, SYS_CLONE3, SYS_MAP_SHADOW_STACK,
    };
    for (size_t i = 0; i < sizeof followed / sizeof followed[0]; i++)
        if (nr == followed[i])
            return true;
    return false;
}
enum { PROT_WRITE_BIT = 2, PROT_EXEC_BIT = 4, MAP_ANONYMOUS_BIT = 0x20 };
enum { E_FAULT = 14, E_EXIST = 17 };
enum { CLONE3_STACK_SIZE_OFFSET = 48 };   /* struct clone_args: flags ... stack, stack_size */
/* Offset of the saved rip in the rt_sigframe at rsp when the restorer runs:
 * ucontext's flags, link and stack (40 bytes), then sigcontext r8..rcx, rsp, rip. */
enum { SIGFRAME_RIP_OFFSET = 40 + 16 * 8 };

/* A system call of the kernel's CET ABI, which QEMU does not know: the model's
 * answer is the kernel's, and the syscall instruction is skipped. */
static int emulate_cet_syscall(engine *e, const insn *in, const cet_event *ev, resume_action *how)
{
    cet_event call = *ev;
    cet_verdict v;
    if (engine_apply(e, &call, &v) != 0)
        return -1;
    int64_t result = v.result;
    if (ev->u.syscall.nr == SYS_MAP_SHADOW_STACK && result > 0)
        shadow_mirror_observed(e);
    e->mirror.hinted_base = ev->u.syscall.nr == SYS_MAP_SHADOW_STACK ? ev->u.syscall.args[0] : 0;
    int synced = shadow_mirror_sync(e);
    e->mirror.hinted_base = 0;
    if (synced != 0)
        return -1;
    if (ev->u.syscall.nr == SYS_MAP_SHADOW_STACK && result > 0 && ev->u.syscall.args[0] &&
        shadow_mirror_refused(e, (uint64_t)result)) {
        /* MAP_FIXED_NOREPLACE found the guest's own mapping at the address. */
        cet_event undo = {.kind = CET_EVENT_SYSCALL, .u.syscall = {SYS_MUNMAP, {(uint64_t)result,
                                                                   ev->u.syscall.args[1]}}};
        if (engine_apply(e, &undo, &v) != 0 || shadow_mirror_forget_removed(e) != 0)
            return -1;
        result = -E_EXIST;
    }
    if (v.writes_memory &&
        rsp_write_memory(e->rsp, v.memory_address, &v.memory_value, 8) != RSP_OK)
        result = -E_FAULT;
    if (engine_set_reg(e, REG_RAX, (uint64_t)result) != 0)
        return -1;
    how->kind = RESUME_CONTINUE_AT;
    how->addr = in->addr + in->len;
    return engine_explore(e, how->addr);
}

static int record_sigaction(engine *e, uint64_t sig, uint64_t act)
{
    uint64_t raw[3];
    cet_verdict v;
    if (act == 0 || sig == 0 || sig >= MAX_SIGNALS)
        return 0;
    if (rsp_read_memory(e->rsp, act, raw, sizeof raw) != RSP_OK)
        return 0; /* the kernel would answer EFAULT; nothing changes */
    cet_event ev = {.kind = CET_EVENT_SIGACTION, .u.sigaction = {(int)sig, raw[0], raw[1], raw[2]}};
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    /* Explore the handler now, so its code has breakpoints before a signal arrives. */
    return raw[0] > 1 ? engine_explore(e, raw[0]) : 0;
}

static bool needs_result(uint64_t nr)
{
    return nr == SYS_MMAP || nr == SYS_MPROTECT || nr == SYS_MUNMAP || nr == SYS_MREMAP ||
           nr == SYS_MADVISE;
}

/* mprotect on a shadow stack changes whether shadow-stack writes may go there; the
 * guest's copy stays read-only to QEMU, so that ordinary stores keep faulting. */
static int keep_shadow_stack_read_only(engine *e, const uint64_t *args)
{
    if (!cet_model_is_shadow_memory(e->model, args[0], args[1]) || !(args[2] & PROT_WRITE_BIT))
        return 0;
    return engine_set_reg(e, REG_RDX, args[2] & ~(uint64_t)PROT_WRITE_BIT);
}

/* A new process that QEMU's stub does not follow: it drops the child's breakpoints
 * but leaves its single-step flag set (7.2), so a child forked under a step dies of
 * SIGTRAP at its first instruction.  QEMU runs CLONE_VFORK as a fork, CLONE_VM or not
 * (posix_spawn's clone). */
static bool forks_a_process(uint64_t nr, uint64_t clone_flags)
{
    return nr == SYS_FORK || nr == SYS_VFORK ||
           (nr == SYS_CLONE && (!(clone_flags & CLONE_VM_FLAG) || (clone_flags & CLONE_VFORK_FLAG)));
}

/* Can the instruction after the syscall run unseen?  A single step runs the syscall
 * and one more instruction (measured on QEMU 7.2): fine unless that one is a stop point. */
static bool step_is_safe(engine *e, uint64_t nr, uint64_t next)
{
    insn in;
    if (needs_result(nr) || forks_a_process(nr, e->regs.gpr[REG_RDI]) ||
        code_cache_decode(&e->code, next, &in) != 0)
        return false;
    return !insn_is_stop_point(&in);
}

/* The new thread inherits this one's CET state; clone3 may size its shadow stack. */
static int note_clone_parent(engine *e, uint64_t nr)
{
    e->clone_parent = e->cur->tid;
    e->clone_shadow_stack_size = 0;
    if (nr == SYS_CLONE3 && e->regs.gpr[REG_RSI] >= CLONE3_STACK_SIZE_OFFSET + 8)
        return engine_read_u64(e, e->regs.gpr[REG_RDI] + CLONE3_STACK_SIZE_OFFSET,
                               &e->clone_shadow_stack_size);
    return 0;
}

static int leave_syscall(engine *e, const insn *in, uint64_t nr, resume_action *how)
{
    uint64_t next = in->addr + in->len;
    if (nr == SYS_RT_SIGRETURN) {
        uint64_t resume_at;
        if (engine_read_u64(e, e->regs.gpr[REG_RSP] + SIGFRAME_RIP_OFFSET, &resume_at) != 0)
            return -1;
        if (engine_explore(e, resume_at) != 0)
            return -1;
        return engine_run_to(e, true, resume_at, true, how);
    }
    if (nr == SYS_EXIT || nr == SYS_EXIT_GROUP) {
        int r = engine_run_to(e, false, 0, false, how);
        if (nr == SYS_EXIT && e->nthreads > 1)
            engine_forget_thread(e, e->cur->tid);
        return r;
    }
    if ((nr == SYS_CLONE && !forks_a_process(nr, e->regs.gpr[REG_RDI])) || nr == SYS_CLONE3) {
        /* A new thread starts at `next` too.  The parent must not stop there while the
         * child runs: QEMU's stub cannot serve two threads stopped at once. */
        e->threads_started++;
        if (note_clone_parent(e, nr) != 0)
            return -1;
        if (call_fusion_disable(e) != 0 || engine_explore(e, next) != 0)
            return -1;
        return engine_run_to(e, false, 0, false, how);
    }
    if (step_is_safe(e, nr, next)) {
        e->cur->stepping = STEP_SINGLE;
        e->cur->in_syscall = true;
        e->cur->step_pc = in->addr;
        how->kind = RESUME_STEP;
        return engine_explore(e, next);
    }
    return engine_run_to(e, true, next, true, how);
}

/* Conformance mode: the system call goes to the emulator; its result must be the
 * kernel's.  Run to the next instruction so that rax is read before anything uses it. */
static int expect_cet_syscall(engine *e, const insn *in, const cet_event *ev, resume_action *how)
{
    const uint64_t *a = ev->u.syscall.args;
    cet_event call = *ev;
    cet_verdict v;
    if (engine_apply(e, &call, &v) != 0)
        return -1;
    effect_expectation x = {.kind = EFFECT_RESULT, .pc = in->addr, .reg = REG_RAX,
                            .value = (uint64_t)v.result,
                            .any_address = ev->u.syscall.nr == SYS_MAP_SHADOW_STACK};
    snprintf(x.what, sizeof x.what, "%s(0x%llx, 0x%llx%s)",
             ev->u.syscall.nr == SYS_MAP_SHADOW_STACK ? "map_shadow_stack" : "arch_prctl",
             (unsigned long long)a[0], (unsigned long long)a[1],
             ev->u.syscall.nr == SYS_MAP_SHADOW_STACK ? ", ..." : "");
    if (!cet_model_shstk_request_is_moot(e->model, ev->u.syscall.nr, a))
        conformance_expect(e, &x);
    return engine_run_to(e, true, in->addr + in->len, true, how);
}

int handle_syscall(engine *e, const insn *in, resume_action *how)
{
    guest_thread *t = e->cur;
    if (engine_load_registers(e) != 0)
        return -1;
    e->syscall_gadget = in->addr;
    if (shadow_mirror_sync(e) != 0)
        return -1;
    const uint64_t *r = e->regs.gpr;
    uint64_t nr = r[REG_RAX];
    e->out.stats.syscalls++;
    t->syscall_nr = nr;
    uint64_t args[6] = {r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9]};
    memcpy(t->syscall_args, args, sizeof args);
    if (cet_model_answers_syscall(nr, args[0])) {
        cet_event ev = {.kind = CET_EVENT_SYSCALL, .u.syscall.nr = nr};
        memcpy(ev.u.syscall.args, args, sizeof args);
        if (e->conf.on)
            return expect_cet_syscall(e, in, &ev, how);
        return emulate_cet_syscall(e, in, &ev, how);
    }
    if (nr == SYS_KILL || nr == SYS_TKILL)
        e->guest_self_signal = (int)args[1];
    if (nr == SYS_TGKILL)
        e->guest_self_signal = (int)args[2];
    if (nr == SYS_RT_SIGACTION && record_sigaction(e, args[0], args[1]) != 0)
        return -1;
    if (nr == SYS_MPROTECT && !e->conf.on && keep_shadow_stack_read_only(e, args) != 0)
        return -1;
    if (nr == SYS_EXECVE || nr == SYS_EXECVEAT)
        engine_exec_call(e, nr, args);
    if (nr == SYS_RT_SIGRETURN) {
        cet_event ev = {.kind = CET_EVENT_SIGRETURN};
        cet_verdict v;
        if (engine_apply(e, &ev, &v) != 0)
            return -1;
        if (v.outcome != CET_NOTHING && e->conf.on) {
            effect_expectation x = {.kind = EFFECT_SIGNAL, .pc = in->addr, .signal = 11};
            snprintf(x.what, sizeof x.what, "rt_sigreturn without a signal token at SSP");
            conformance_expect(e, &x);
        } else if (v.outcome != CET_NOTHING) {
            how->kind = RESUME_SIGNAL; /* the kernel's badframe: SIGSEGV */
            how->gdb_signal = 11;
            return 0;
        }
    }
    return leave_syscall(e, in, nr, how);
}

/* A file the guest mapped (a shared library, for the most part), so that reports can
 * name addresses in it.  QEMU passes guest file descriptors through to the host, so
 * the file is QEMU's /proc/PID/fd/FD.  Naming is a nicety: failures are silent. */
static void note_file_mapping(engine *e, uint64_t addr, const uint64_t *args)
{
    char path[PATH_MAX];
    if ((args[3] & MAP_ANONYMOUS_BIT) || engine_guest_fd_path(e, (int64_t)args[4], path,
                                                              sizeof path) < 0)
        return;
    if (module_map_add(&e->out.modules, addr, args[1], args[5], path) != 0)
        engine_warn(e, "out of memory naming the file mapped at 0x%llx", (unsigned long long)addr);
}

int handle_syscall_done(engine *e, guest_thread *t)
{
    uint64_t rax;
    if (engine_reg(e, REG_RAX, &rax) != 0)
        return -1;
    int64_t result = (int64_t)rax;
    const uint64_t *a = t->syscall_args;
    if (t->syscall_nr == SYS_EXECVE || t->syscall_nr == SYS_EXECVEAT)
        engine_exec_returned(e);
    if (result < 0 && result > -4096)
        return 0;
    if (cet_model_follows_syscall(t->syscall_nr)) {
        cet_event ev = {.kind = CET_EVENT_SYSCALL, .u.syscall.nr = t->syscall_nr};
        cet_verdict v;
        memcpy(ev.u.syscall.args, a, sizeof ev.u.syscall.args);
        if (engine_apply(e, &ev, &v) != 0)
            return -1;
        if (t->syscall_nr == SYS_MUNMAP && shadow_mirror_forget_removed(e) != 0)
            return -1;
    }
    if (result > 0 && forks_a_process(t->syscall_nr, a[0]))
        run_outcome_note_child(&e->out, result);
    switch (t->syscall_nr) {
    case SYS_MMAP:
        note_file_mapping(e, (uint64_t)result, a);
        return code_cache_set_range(&e->code, (uint64_t)result, (uint64_t)result + a[1],
                                    a[2] & PROT_EXEC_BIT, a[2] & PROT_WRITE_BIT);
    case SYS_MPROTECT:
        return code_cache_set_range(&e->code, a[0], a[0] + a[1], a[2] & PROT_EXEC_BIT,
                                    a[2] & PROT_WRITE_BIT);
    case SYS_MUNMAP:
        return code_cache_set_range(&e->code, a[0], a[0] + a[1], false, false);
    case SYS_MREMAP: /* permissions unknown here: QEMU will tell by faulting */
        return code_cache_set_range(&e->code, (uint64_t)result, (uint64_t)result + a[2], false, true);
    }
    return 0;
}
