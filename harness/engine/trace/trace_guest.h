/* Running a guest for a stop-free engine (the log engine, the plugin engine): QEMU
 * started without its gdbstub, with the engine's own arguments after the user's, a
 * watchdog that ends it at the time limit, and QEMU's end taken as the guest's. */
#ifndef HARNESS_TRACE_GUEST_H
#define HARNESS_TRACE_GUEST_H

#include "engine/trace/trace_engine.h"
#include "qemu/qemu_launch.h"

#include <pthread.h>
#include <stdbool.h>

typedef struct trace_guest {
    qemu_process qemu;
    bool started;
    double deadline;
    pthread_t watchdog;
    bool watchdog_started;
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done, timed_out;
} trace_guest;

double trace_now(void);
/* timeout_s 0: no time limit. */
void trace_guest_init(trace_guest *g, double timeout_s);
/* Start QEMU with extra arguments after the user's, then the watchdog.  0, or -1 with
 * out->message and out->end. */
int trace_guest_start(trace_guest *g, const trace_launch *l, const char *const *extra,
                      size_t nextra, run_outcome *out);
/* Has QEMU ended?  (It is reaped then; its status is kept for trace_guest_settle.) */
bool trace_guest_exited(trace_guest *g);
bool trace_guest_past_deadline(const trace_guest *g);
/* End QEMU now (the engine stops the guest). */
void trace_guest_kill(trace_guest *g);
/* How the guest ended, into out: stopped by the engine, timed out, or QEMU's status. */
void trace_guest_settle(trace_guest *g, bool stopped, run_outcome *out);
/* The signal that ended the guest (out->exit_signal) was a crash in the block at pc. */
void trace_guest_crashed(run_outcome *out, uint64_t pc);
/* Stop the watchdog and QEMU; safe after a failed start. */
void trace_guest_end(trace_guest *g);

#endif
