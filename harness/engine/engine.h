/* The RSP engine: the stop loop.
 *
 * Owns: QEMU's gdbstub connection for one run, the breakpoints (exploration, the
 * budget, call fusion), per-thread stepping state, the violations and warnings of the
 * run.  At each stop it reads what the stopped instruction needs, turns it into CET
 * model events (model/cet_model.h), and carries out the verdicts: in reference mode it
 * performs branches itself (writes the return address and rsp, resumes at the target)
 * and gives CET instructions their effect, so that a checked event costs one stop.
 *
 * May call: the model, the decoder (decode/), the guest's files (guest/), the QEMU
 * layer's signal numbering, rsp/ and util/.  Nothing of the commands or the suite. */
#ifndef HARNESS_ENGINE_H
#define HARNESS_ENGINE_H

#include <sys/types.h>

#include "util/addr_map.h"
#include "engine/call_fusion.h"
#include "engine/code_cache.h"
#include "guest/elf_facts.h"
#include "engine/guest_regs.h"
#include "decode/insn.h"
#include "guest/module_map.h"
#include "rsp.h"
#include "engine/conformance.h"
#include "engine/engine_config.h"
#include "engine/run_outcome.h"
#include "engine/shadow_mirror.h"
#include "model/cet_model.h"

#include <stdbool.h>
#include <stdint.h>

enum { MAX_SIGNALS = 65 };

/* What a thread is in the middle of, across a single step. */
typedef enum step_purpose {
    STEP_NONE,
    STEP_SINGLE,      /* "s" over a syscall whose next instruction is safe to run unseen */
    STEP_RUN_TO,      /* breakpoint at step_to, own breakpoint suspended, "c" */
} step_purpose;

typedef struct guest_thread {
    int64_t tid;
    int number;                     /* 1, 2, ... in order of first appearance */
    step_purpose stepping;
    uint64_t step_pc;               /* where the step started */
    uint64_t step_to;               /* STEP_RUN_TO: where it will stop */
    bool step_to_temporary;         /* the breakpoint at step_to is ours for this step only */
    bool in_syscall;                /* the step runs a syscall: post-syscall work pending */
    bool in_cpuid;                  /* the step runs CPUID: its answer is to be amended */
    uint32_t cpuid_leaf, cpuid_subleaf;
    uint64_t syscall_nr, syscall_args[6];
} guest_thread;



typedef struct engine {
    rsp_conn *rsp;
    const engine_config *opt;
    run_outcome out;                /* what the reports are made of */
    long qemu_pid;                  /* to name the files the guest maps (/proc/PID/fd); 0: unknown */
    cet_model *model;
    guest_thread *threads; size_t nthreads, capthreads;
    int thread_numbers;
    size_t threads_started;         /* clones with CLONE_VM: a child may not have stopped yet */
    guest_thread *cur;              /* the thread of the current stop */
    int64_t cur_pid;                /* its process id as the stub names it, -1: none */
    guest_regs regs;                /* its registers, as far as read (see engine_reg) */
    uint32_t regs_known;            /* bit n: gdb register n (0-16) is in regs */
    bool regs_all;                  /* the whole "g" block is in regs */

    code_cache code;
    addr_map breakpoints;           /* live Z0 breakpoints */
    size_t breakpoint_budget;       /* see breakpoint_budget.c */
    bool breakpoint_budget_fixed;
    addr_map flushed_breakpoints;   /* addresses a flush removed */
    size_t breakpoints_replanted;   /* of those, planted again since the last flush */
    addr_map explored;              /* address -> generation it was explored at */
    uint64_t twin_ret;              /* a C3 byte without breakpoint: "c" there performs a ret */
    addr_map twin_searched;         /* pages already searched for one */
    uint64_t *suspended; size_t nsuspended, capsuspended;  /* breakpoints to re-insert */
    fused_function *fused; size_t nfused, capfused;      /* see call_fusion.h */
    addr_map fusion_status, fusion_owner;
    bool fusion_disabled;

    int pending_signal_pc_valid; int injected_signal;   /* a SIGSEGV we delivered for a violation */
    struct {                        /* a signal the harness delivers: make it read as Linux's */
        bool pending;               /* patch the frame when the handler's entry is reached */
        bool temporary;             /* the breakpoint at handler is ours for this */
        uint64_t handler;
        int si_code, trapno;        /* trapno 0: leave the ucontext's err and trapno */
        uint64_t si_addr, err;
    } fault_signal;
    int last_signal; uint64_t last_signal_pc;
    int guest_self_signal;          /* last signal the guest sent with kill/tkill/tgkill:
                                       newer QEMUs die of it without an "X" report */

    conformance_state conf;         /* conformance mode: predictions and the verdict */
    shadow_mirror mirror;           /* the guest's copy of shadow-stack memory */
    uint64_t syscall_gadget;        /* a syscall instruction the guest ran (guest_syscall.c) */
    int64_t clone_parent;           /* the thread whose clone made the next new thread */
    uint64_t clone_shadow_stack_size;  /* clone3's stack_size for it, 0: the default */

    double deadline;                /* monotonic seconds */
} engine;

typedef enum resume_kind { RESUME_CONTINUE_AT, RESUME_STEP, RESUME_SIGNAL, RESUME_KILL, RESUME_CONTINUE } resume_kind;
typedef struct resume_action { resume_kind kind; uint64_t addr; int gdb_signal; } resume_action;

int engine_init(engine *e, rsp_conn *rsp, const engine_config *opt, const elf_facts *elf);
void engine_free(engine *e);
/* Connects the model to the stopped-at-entry guest and runs it to the end.
 * Returns 0 when the run reached an end (see e->end), -1 on a harness error. */
int engine_run(engine *e);

/* --- used by the handlers ------------------------------------------------ */
guest_thread *engine_thread(engine *e, int64_t tid);
/* Has the guest more than one thread, or started one that may not have stopped yet? */
bool engine_several_threads(const engine *e);
/* The file the guest's descriptor fd is (QEMU passes guest descriptors through to the
 * host: QEMU's /proc/PID/fd/FD), into path (cap bytes): its length, or -1 when it cannot
 * be told. */
ssize_t engine_guest_fd_path(const engine *e, int64_t fd, char *path, size_t cap);
void engine_forget_thread(engine *e, int64_t tid);
int engine_explore(engine *e, uint64_t addr);
int engine_insert_breakpoint(engine *e, uint64_t addr);
int engine_remove_breakpoint(engine *e, uint64_t addr);
void engine_warn(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int engine_fail(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* engine_fail for a failed RSP request: adds the RSP error, and what it most likely
 * means when the guest runs several threads. */
int engine_rsp_fail(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int engine_rsp_fail_plain(engine *e, const char *what);
/* What a failure most likely means when the guest runs several threads. */
extern const char engine_concurrent_stops[];
/* Hand an event of the current thread to the model; -1 (a harness error) when the
 * model could not take it. */
int engine_apply(engine *e, cet_event *ev, cet_verdict *v);
/* Carry out a fault verdict: the signal Linux delivers for it (its note, if any,
 * becomes a warning). */
void engine_fault(engine *e, const cet_verdict *v, resume_action *how);
/* A #CP verdict at the current stop: record the violation and say how to go on under
 * --on-violation. */
void engine_violation(engine *e, const cet_verdict *v, const insn *in,
                      bool has_target, uint64_t target, resume_action *how);
/* Let the emulator execute the stopped instruction itself: one step (conformance
 * mode, and instructions the harness does not perform). */
int engine_step_over(engine *e, resume_action *how);
/* Under --on-violation=stop or signal, a violation ends the branch right there. */
bool engine_branch_ended(const resume_action *how);
int engine_read_u64(engine *e, uint64_t addr, uint64_t *value);
int engine_write_u64(engine *e, uint64_t addr, uint64_t value);
int engine_set_reg(engine *e, int gdb_reg, uint64_t value);
/* A register of the current thread (read with "p" if the stop has not read it). */
int engine_reg(engine *e, int gdb_reg, uint64_t *value);
/* All registers ("g"): for syscalls and the rarer instructions. */
int engine_load_registers(engine *e);
int engine_operand_address(engine *e, const insn *in, uint64_t *ea);
double engine_now(void);
/* Milliseconds left until the run's deadline, for rsp_wait_stop: -1 (wait as long as it
 * takes) without --timeout, at least 1 once it has passed. */
int engine_wait_ms(const engine *e);
/* "f+0x4" in the program, "f+0x4 in libc.so.6" or "libc.so.6+0x1f662" elsewhere, "". */
const char *engine_symbolize(const engine *e, uint64_t addr, char *buf, size_t cap);

/* Handlers by instruction kind (handlers_*.c). */
typedef int (*stop_handler)(engine *e, const insn *in, resume_action *how);
stop_handler engine_handler_for(insn_kind kind);
int handle_syscall(engine *e, const insn *in, resume_action *how);
/* Does the model follow this syscall (signals, threads, mappings, CET ABI, exit)? */
bool syscall_is_followed(uint64_t nr);
int handle_syscall_done(engine *e, guest_thread *t);
/* execve/execveat (handlers_exec.c): note the program at the call; the call returned
 * (it failed); did the guest's exec take it out of QEMU (the connection then closes)? */
void engine_exec_call(engine *e, uint64_t nr, const uint64_t *args);
void engine_exec_returned(engine *e);
bool engine_exec_happened(const engine *e);
/* Let the instruction at the current pc run natively and stop again at `to`
 * (or, with has_to false, never: exit and execve). */
int engine_run_to(engine *e, bool has_to, uint64_t to, bool in_syscall, resume_action *how);
int handle_signal_stop(engine *e, int gdb_signal, resume_action *how);
int handle_cpuid(engine *e, const insn *in, resume_action *how);
/* After the step over CPUID: give its answer the CET bits the model reports. */
int handle_cpuid_done(engine *e, guest_thread *t);
/* --on-violation=signal: deliver SIGSEGV for the #CP v as Linux does (fault_signals.c). */
int engine_signal_cp(engine *e, const cet_verdict *v, resume_action *how);
/* At a SIGTRAP stop: is this the handler entry whose frame must be patched?  Patches it. */
int engine_patch_fault_frame(engine *e);
/* Run a system call in the guest on the current thread's behalf and give all its
 * registers back (guest_syscall.c): 0 with *result, 1 when no syscall instruction is
 * known to borrow, -1 on a harness error. */
int engine_guest_syscall(engine *e, uint64_t nr, const uint64_t args[6], int64_t *result);

#endif
