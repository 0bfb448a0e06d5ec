/* What the caller of an engine decides for a run: the model's switches (after
 * --ibt/--shstk=auto were resolved), what to do at a violation, limits and tracing. */
#ifndef HARNESS_ENGINE_CONFIG_H
#define HARNESS_ENGINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum violation_mode { ON_VIOLATION_STOP, ON_VIOLATION_CONTINUE, ON_VIOLATION_SIGNAL } violation_mode;

typedef struct engine_config {
    bool ibt, shstk;                /* the CET model's switches */
    bool shstk_follows_program;     /* --shstk=linux: off until the program's arch_prctl */
    uint64_t shadow_stack_size;     /* the kernel's size for a shadow stack it allocates:
                                       PAGE_ALIGN(min(RLIMIT_STACK, 4 GiB)), which QEMU's
                                       guest inherits from the harness; 0: 8 MiB */
    violation_mode on_violation;
    double timeout_s;
    int verbose;                    /* 1: a line a stop; 2: also resumes */
    bool conformance;               /* grade the emulator's own CET (conformance.h) */
    bool no_fusion;                 /* stop at every return (call_fusion.h), for measuring */
    size_t breakpoint_budget;       /* fixed budget (breakpoint_budget.c); 0: adaptive */
    const char *sysroot;            /* QEMU's -L: the guest's absolute paths are looked up
                                       there first (guest/sysroot.h); NULL: none */
} engine_config;

#endif
