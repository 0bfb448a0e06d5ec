/* The QEMU layer: resolving qemu-x86_64 (qemu_resolve.c), starting it with its
 * gdbstub on a unix socket in a private directory, in its own process group, and
 * making sure it never outlives the harness (qemu_launch.c, qemu_spawn.c); wait
 * statuses (process_status.h) and GDB's signal numbering (gdb_signals.h).
 * Owns: QEMU processes.  May call: libc and util/ only; knows nothing of CET. */
#ifndef HARNESS_QEMU_LAUNCH_H
#define HARNESS_QEMU_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct qemu_launch_opts {
    const char *qemu_path;       /* resolved path or bare name searched in PATH */
    const char *const *qemu_args;  /* extra args before the program, may be NULL */
    size_t nqemu_args;
    const char *program;
    const char *const *argv;     /* program arguments after argv[0], may be NULL */
    size_t argc;
    int stderr_fd;               /* > 0: QEMU's (and so the guest's) stderr goes there;
                                    0: inherited */
    bool no_gdbstub;             /* no -g: the guest runs without a debugger (the trace
                                    engine reads QEMU's log instead) */
} qemu_launch_opts;

typedef struct qemu_process {
    pid_t pid;                   /* also the process-group id */
    char dir[256];               /* private 0700 directory */
    char socket_path[300];
    char qemu_path[4096];        /* the binary actually run */
    bool reaped;                 /* waitpid has collected QEMU; wstatus holds its status */
    int wstatus;
} qemu_process;

/* Resolve the QEMU binary: explicit path, else $QEMU, else "qemu-x86_64" in PATH.
 * Checks it exists and is executable, runs "QEMU --version" and checks the output
 * names QEMU; fills version ("7.2.22").  -1 with a message on failure:
 * "qemu-x86_64: not found in PATH (use --qemu PATH or QEMU=...)". */
int qemu_resolve(const char *explicit_path, char *path, size_t pathcap,
                 char *version, size_t versioncap, char *err, size_t errlen);

/* What a short run of QEMU printed (stdout and stderr) and how it ended. */
typedef struct qemu_output {
    char out[512];               /* the beginning of what it printed, NUL-terminated */
    size_t len;
    int wstatus;
    bool timed_out;              /* killed after timeout_ms */
} qemu_output;

/* Run argv (argv[0]: QEMU's path) with stdin from /dev/null and its output kept in *r,
 * for at most timeout_ms.  0, or -1 with a message when it could not be started. */
int qemu_run_captured(char *const argv[], int timeout_ms, qemu_output *r, char *err,
                      size_t errlen);

/* Make the private directory, fork, exec QEMU with "-g SOCKET [args] program argv".
 * The child gets PR_SET_PDEATHSIG(SIGKILL), its own process group, the harness's
 * stdin/stdout/stderr.  Returns 0 or -1 with a message.
 * PDEATHSIG follows the calling *thread*: call this from a thread that outlives QEMU. */
int qemu_start(const qemu_launch_opts *opts, qemu_process *out, char *err, size_t errlen);

/* Unlink the socket and remove the private directory now; call once connected
 * (QEMU's stub accepts a single connection).  Safe to call more than once. */
void qemu_remove_socket(qemu_process *p);

/* Kill the whole process group (SIGKILL), reap it, remove socket and directory.
 * Safe to call twice. */
void qemu_stop(qemu_process *p);

/* Non-blocking check: has QEMU exited?  Fills status as from waitpid. */
bool qemu_exited(qemu_process *p, int *wstatus);

/* Wait until QEMU's process ends, at most timeout_s seconds (< 0: no limit).  True with
 * its status when it did.  For a guest that exec'd: QEMU's process is then the new
 * program, run natively, and its end is the run's. */
bool qemu_wait_for_end(qemu_process *p, double timeout_s, int *wstatus);

/* Install SIGINT/SIGTERM/SIGHUP handlers that kill every registered QEMU process
 * group and remove their directories, then re-raise.  Call once. */
void qemu_install_cleanup_handlers(void);

#endif
