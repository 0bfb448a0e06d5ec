/* The plugin engine: the stop-free way to feed the CET model where QEMU loads TCG
 * plugins (Debian 12's qemu-x86_64, QEMU's own default build).
 *
 * cetharness's own plugin (qemu-plugin/, built next to the cetharness executable) runs
 * inside QEMU and only observes: it streams the blocks QEMU translates, where each vCPU
 * goes after a call, return or indirect branch (and whenever its code does not say where
 * it goes: signals, rt_sigreturn), the system calls and the memory some of them point
 * at, and the threads, into a ring of memory it shares with the harness.  This engine
 * reads that ring while the guest runs and hands it to the same core as the log engine
 * (engine/trace/: blocks, threads, transfers and signals become model events), so its
 * reports are the log engine's, faster: QEMU keeps its chained translated code and
 * nothing costs a system call per event.  Like the log engine it never stops the guest.
 *
 * May call: as engine/, and the stream protocol of qemu-plugin/ (stream_ring.h). */
#ifndef HARNESS_PLUGIN_ENGINE_H
#define HARNESS_PLUGIN_ENGINE_H

#include "engine/trace/trace_engine.h"

#include <stdbool.h>
#include <stddef.h>

/* The plugin beside the running cetharness: true with its path, or false with why. */
bool plugin_engine_library(char *path, size_t cap, char *why, size_t whycap);

/* Does this QEMU load the plugin?  One short QEMU run, no guest: 1 yes; 0 no, with
 * what QEMU said in why; -1 when QEMU could not be run (why says). */
int plugin_engine_probe(const char *qemu_path, const char *library, char *why, size_t whycap);

/* Run the program under QEMU with the plugin, feed the model, fill out
 * (run_outcome_init'ed with engine name "plugin").  0: the run reached an end
 * (out->end); -1: the harness could not run it (out->message says why). */
int plugin_engine_run(const trace_launch *l, const char *library, const engine_config *opt,
                      run_outcome *out);

#endif
