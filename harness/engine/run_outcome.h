/* What a run found and how it ended, whichever engine ran it (the RSP stop loop or the
 * log stream): the violations, warnings, the guest's end, counters, and what is needed
 * to name addresses.  The run's reports are made from this alone. */
#ifndef HARNESS_RUN_OUTCOME_H
#define HARNESS_RUN_OUTCOME_H

#include "engine/engine_config.h"
#include "guest/elf_facts.h"
#include "guest/module_map.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SHADOW_DUMP_MAX = 16, MAX_VIOLATIONS = 1000 };

typedef struct violation {
    bool ibt;                       /* else shadow stack */
    const char *reason;             /* "missing-endbranch", "ret-mismatch", ... */
    int thread; int64_t tid;
    uint64_t pc, target, expected;
    bool has_target, has_expected;
    char insn_text[80], target_text[80];
    uint64_t stack[SHADOW_DUMP_MAX]; size_t stack_depth;
} violation;

typedef struct run_stats {
    uint64_t stops, steps, calls, rets, indirect, breakpoints, cet_insns, syscalls, signals;
    uint64_t fused_rets;            /* returns proven at their call (call_fusion.h) */
    uint64_t breakpoint_flushes;    /* times the live set was dropped (breakpoint_budget.c) */
    uint64_t round_trips;           /* RSP packets exchanged (the RSP engine) */
    uint64_t blocks;                /* executed blocks read from QEMU's log (the trace engine) */
} run_stats;

/* END_EXECED: the guest's execve worked; QEMU runs the new program natively in its own
 * process, so the run ends as that process ends (the caller, which owns QEMU's process,
 * waits for it and turns this into EXITED, SIGNALED or TIMEOUT). */
typedef enum run_end { END_RUNNING, END_EXITED, END_SIGNALED, END_TIMEOUT, END_ERROR, END_STOPPED,
                       END_EXECED } run_end;

/* What the run did not check: QEMU's execve is the host's, so a program the guest execs
 * runs natively, outside QEMU and the harness; a forked child runs under a copy of QEMU
 * that no engine follows (the stub detaches it; its log lines cannot be told apart). */
enum { UNCHECKED_ARGV_MAX = 32, UNCHECKED_PROGRAMS_MAX = 32 };
typedef struct run_unchecked {
    char *exec_program;             /* the program the guest exec'd, as it named it; NULL: none */
    char **exec_argv; size_t exec_argc;   /* its first UNCHECKED_ARGV_MAX arguments */
    size_t children;                /* processes the guest forked (fork, vfork, clone) */
    int64_t *child_pids; size_t nchild_pids;   /* their ids, to count each once */
    bool child_programs_known;      /* the engine sees what the children exec */
    bool children_exact;            /* children and child_programs miss none (the trace
                                       engine: unless the log had lines cut by a child's) */
    char **child_programs; size_t nchild_programs;   /* distinct, first UNCHECKED_PROGRAMS_MAX */
    bool guest_after_fork;          /* the guest's own code after its first fork (trace engine) */
} run_unchecked;

typedef struct run_outcome {
    const char *engine_name;        /* "rsp", "trace" */
    const engine_config *opt;
    const elf_facts *elf;
    uint64_t load_bias;
    module_map modules;             /* the loader and shared libraries, for reports */
    violation *violations; size_t nviolations; size_t violations_dropped;
    char **warnings; size_t nwarnings;
    bool crashed; int crash_signal; uint64_t crash_pc;
    run_end end; int exit_code; int exit_signal; char message[512];
    run_stats stats;
    run_unchecked unchecked;
} run_outcome;

void run_outcome_init(run_outcome *o, const char *engine_name, const engine_config *opt,
                      const elf_facts *elf);
void run_outcome_free(run_outcome *o);
/* A warning for the report, once per text. */
void run_outcome_warn(run_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void run_outcome_vwarn(run_outcome *o, const char *fmt, va_list ap);
/* The guest's execve worked: program and its arguments (copied), for the report. */
void run_outcome_note_exec(run_outcome *o, const char *program, const char *const *argv, size_t argc);
/* A child process the guest forked (counted once per pid; pid <= 0: not known, counted);
 * a program a child exec'd (kept once). */
void run_outcome_note_child(run_outcome *o, int64_t pid);
void run_outcome_note_child_exec(run_outcome *o, const char *program);
/* An execve noted at its call returned: it failed, nothing was exec'd. */
void run_unchecked_forget_exec(run_unchecked *u);
void run_unchecked_free(run_unchecked *u);
/* A new violation record, zeroed; NULL when MAX_VIOLATIONS are kept (it is counted). */
violation *run_outcome_add_violation(run_outcome *o);
/* "f+0x4" in the program, "f+0x4 in libc.so.6" or "libc.so.6+0x1f662" elsewhere, "". */
const char *run_outcome_symbolize(const run_outcome *o, uint64_t addr, char *buf, size_t cap);

#endif
