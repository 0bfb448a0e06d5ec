/* Which engine watches a run (--engine): the RSP engine, or a stop-free one, and which
 * of those: the plugin engine where the QEMU in use loads cetharness's plugin, else
 * QEMU's log. */
#ifndef HARNESS_ENGINE_PICK_H
#define HARNESS_ENGINE_PICK_H

#include "commands/run_options.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct engine_pick {
    bool stop_free;              /* a stop-free engine runs the guest, not the RSP one */
    bool plugin;                 /* that engine is the plugin engine, else the log's */
    char library[4096];          /* the plugin, when plugin */
    char auto_note[1024];        /* why --engine=auto did not take the plugin engine */
} engine_pick;

/* From the options alone: stop-free or not.  -1 with err for a combination that cannot
 * work (a stop-free engine cannot grade an emulator nor deliver SIGSEGV at a violation). */
int engine_pick_kind(const run_options *o, engine_pick *p, char *err, size_t errlen);
/* For a stop-free run, once QEMU is known: which engine.  --engine=auto asks QEMU (one
 * short start, nothing cached); --engine=plugin needs the plugin built.  -1 with err. */
int engine_pick_stop_free(const run_options *o, const char *qemu_path, engine_pick *p,
                          char *err, size_t errlen);
/* The engine's name in reports: "rsp", "trace" or "plugin". */
const char *engine_pick_name(const engine_pick *p);

#endif
