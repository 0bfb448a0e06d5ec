/* The state of one "cetharness suite" run, shared by the files of the command and by
 * nobody else: cmd_suite.c (the flow), suite_qemu_probe.c, suite_case_setup.c,
 * suite_case_judge.c, suite_console.c and suite_json.c. */
#ifndef HARNESS_SUITE_COMMAND_INTERNAL_H
#define HARNESS_SUITE_COMMAND_INTERNAL_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "commands/suite_options.h"
#include "suite/case_manifest.h"
#include "suite/suite_discover.h"
#include "suite/suite_runner.h"

/* How long past its own timeout a case's run may take before the suite kills it. */
#define WATCHDOG_GRACE_S 10.0

typedef struct qemu_info {
    char path[PATH_MAX];
    char version[64];            /* "" when unknown */
    int major, minor;
} qemu_info;

typedef enum case_status { CASE_PENDING, CASE_PASS, CASE_FAIL, CASE_ERROR, CASE_SKIP } case_status;

typedef struct case_state {
    suite_case *sc;
    case_manifest m;
    case_status status;
    bool running;
    char message[1024];
    char observed[512];
    char *output;
    double time_s;
    json_object *run;
    char *json_path;
    char **argv;
} case_state;

typedef struct suite_ctx {
    const suite_options *o;
    qemu_info qemu;
    case_state *cases;
    size_t ncases;
    size_t *job_case;            /* job index -> case index */
    size_t done;
    bool tty;
    char tmpdir[PATH_MAX];
} suite_ctx;

/* suite_qemu_probe.c */
void suite_probe_qemu(const suite_options *o, qemu_info *q);

/* suite_case_setup.c: before a case runs. */
void suite_set_outcome(case_state *c, case_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void suite_preflight(const suite_ctx *s, case_state *c);
/* NULL when out of memory. */
char **suite_build_argv(const suite_ctx *s, const case_state *c);
void suite_free_argv(char **argv);
double suite_watchdog_s(const suite_ctx *s, const case_state *c);

/* suite_case_judge.c: after it ran. */
/* conformance: the case passes when the emulator conforms (its own expectation aside). */
void suite_settle(case_state *c, const runner_result *r, double watchdog_s, bool conformance);

/* suite_console.c */
void suite_clear_progress(const suite_ctx *s);
void suite_draw_progress(const suite_ctx *s);
void suite_print_case(suite_ctx *s, const case_state *c);
void suite_print_conformance_summary(const suite_ctx *s);

/* suite_json.c: the suite object of docs/formats.md. */
json_object *suite_build_json(const suite_ctx *s, const char *started, double wall_s);

#endif
