/* The trace engine: the stop-free way to feed the CET model.
 *
 * QEMU writes its own execution log (-d in_asm,exec,nochain,page -strace) into a FIFO the
 * harness reads while the guest runs: every translated block with its bytes, every block
 * executed with its vCPU (a guest thread), every system call and signal.  From each
 * thread's last block and the block it runs next follow its calls, returns and indirect
 * branches and their targets, which become model events.  The guest never stops, so
 * what needs the guest stopped or a CET instruction's result supplied is beyond this
 * engine: it says so in the run's warnings (the RSP engine is exact there).
 *
 * May call: the model, the decoder, the guest's files, the QEMU layer, util/. */
#ifndef HARNESS_TRACE_ENGINE_H
#define HARNESS_TRACE_ENGINE_H

#include "engine/engine_config.h"
#include "engine/run_outcome.h"

#include <stddef.h>

typedef struct trace_launch {
    const char *qemu_path;
    const char *const *qemu_args; size_t nqemu_args;
    const char *program;
    const char *const *argv; size_t argc;   /* after argv[0] */
} trace_launch;

/* Run the program under QEMU with its log streamed in, feed the model, fill out
 * (run_outcome_init'ed with engine name "trace").  0: the run reached an end (out->end);
 * -1: the harness could not run it (out->message says why). */
int trace_engine_run(const trace_launch *l, const engine_config *opt, run_outcome *out);

#endif
