/* Conformance mode keeps what the emulator writes to stderr: when it ends QEMU at a
 * #CP instead of delivering SIGSEGV, its last words say where and why.  QEMU's stderr
 * is the guest's too, so everything is passed on to the harness's stderr afterwards. */
#ifndef HARNESS_EMULATOR_STDERR_H
#define HARNESS_EMULATOR_STDERR_H

#include <stddef.h>

/* An unlinked temporary file for QEMU's stderr; -1 with a message on failure. */
int emulator_stderr_open(char *err, size_t errlen);
/* Copy everything to stderr, put the last lines (at most cap-1 bytes) in tail, close. */
void emulator_stderr_drain(int fd, char *tail, size_t cap);

#endif
