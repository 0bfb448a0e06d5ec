/* The JSON report of one "cetharness run" (docs/formats.md). */
#ifndef HARNESS_RUN_REPORT_H
#define HARNESS_RUN_REPORT_H

#include "commands/run_options.h"
#include "engine/engine.h"

#include <json-c/json.h>

typedef struct run_context {
    const char *program;
    char **argv; size_t argc;
    const char *qemu_path, *qemu_version;
    double wall_s;
} run_context;

/* out may be NULL when the harness failed before an engine started (then message
 * says why); conf is the RSP engine's conformance grading, NULL for none. */
json_object *run_report_build(const run_outcome *out, const conformance_state *conf,
                              const run_context *ctx, const char *message);

#endif
