/* waitpid statuses and process-wide signal settings, kept apart from the engine's
 * headers because <signal.h> defines REG_* names that clash with ours. */
#ifndef HARNESS_PROCESS_STATUS_H
#define HARNESS_PROCESS_STATUS_H

#include <stddef.h>

/* "exit status 3" / "killed by signal 9". */
const char *describe_wait_status(int status, char *buf, size_t cap);
int wait_status_killed_by(int status);   /* the signal, or 0 */
int wait_status_exit_code(int status);   /* the exit code, or -1 when it did not exit */
void ignore_sigpipe(void);

/* QEMU runs in a process group of its own (so that it can be killed as a whole); on
 * a terminal that group must be the foreground one, or a guest reading stdin would be
 * stopped by SIGTTIN.  Returns the group to give the terminal back to, or 0. */
int terminal_give_to(int pgid);
void terminal_take_back(int previous_pgid);

#endif
