/* Options of "cetharness run", parsed from the command line. */
#ifndef HARNESS_RUN_OPTIONS_H
#define HARNESS_RUN_OPTIONS_H

#include "engine/engine_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum cet_switch { CET_ON, CET_OFF, CET_AUTO, CET_LINUX } cet_switch;
typedef enum engine_choice { ENGINE_AUTO, ENGINE_RSP, ENGINE_TRACE, ENGINE_PLUGIN } engine_choice;

typedef struct run_options {
    cet_switch ibt, shstk;
    violation_mode on_violation;
    const char *json_path;
    double timeout_s;
    const char *qemu_path;          /* --qemu, NULL when not given */
    const char **qemu_args;         /* --qemu-arg, repeatable */
    size_t nqemu_args;
    int verbose;                    /* -v: trace of stops on stderr */
    bool quiet;                     /* no console report (the suite reads the JSON) */
    bool conformance;               /* grade the emulator's own CET (engine/conformance.h) */
    engine_choice engine;           /* --engine */
    bool no_fusion;                 /* stop at every return (call_fusion.h), for measuring */
    size_t breakpoint_budget;       /* fixed budget (breakpoint_budget.c); 0: adaptive */
    int violation_exitcode;
    const char *program;
    char **argv;                    /* program arguments after the program itself */
    size_t argc;
} run_options;

/* Parse argv of "run" (argv[0] = "run").  On error returns -1 with a message; on
 * --help returns 1 after printing usage to stdout. */
int run_options_parse(int argc, char **argv, run_options *out, char *err, size_t errlen);
void run_options_free(run_options *o);
void run_options_usage(FILE *out);
const char *violation_mode_name(violation_mode m);
/* QEMU's -L as QEMU takes it: the last "-L DIR" (or "--L DIR") of --qemu-arg, else
 * $QEMU_LD_PREFIX, else NULL. */
const char *run_options_sysroot(const run_options *o);

#endif
