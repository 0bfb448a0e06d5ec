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

typedef enum run_end { END_RUNNING, END_EXITED, END_SIGNALED, END_TIMEOUT, END_ERROR, END_STOPPED } run_end;

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
} run_outcome;

void run_outcome_init(run_outcome *o, const char *engine_name, const engine_config *opt,
                      const elf_facts *elf);
void run_outcome_free(run_outcome *o);
/* A warning for the report, once per text. */
void run_outcome_warn(run_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void run_outcome_vwarn(run_outcome *o, const char *fmt, va_list ap);
/* A new violation record, zeroed; NULL when MAX_VIOLATIONS are kept (it is counted). */
violation *run_outcome_add_violation(run_outcome *o);
/* "f+0x4" in the program, "f+0x4 in libc.so.6" or "libc.so.6+0x1f662" elsewhere, "". */
const char *run_outcome_symbolize(const run_outcome *o, uint64_t addr, char *buf, size_t cap);

#endif
