/* Starting a child program for the QEMU launcher: PATH search, and a fork/exec that
 * reports exec failures synchronously and ties the child's life to the harness. */
#ifndef HARNESS_QEMU_SPAWN_H
#define HARNESS_QEMU_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Finds an executable regular file called name in $PATH; false if none. */
bool spawn_find_in_path(const char *name, char *out, size_t cap);

/* Fork and execv(path, argv).  The child leads its own process group, gets SIGKILL
 * when the calling thread dies, and starts with default signal dispositions and an
 * empty signal mask.  out_fd < 0: stdin/stdout/stderr are inherited; otherwise stdin
 * is /dev/null and stdout and stderr go to out_fd.  err_fd > 0: stderr alone goes there
 * (stdin is never a sensible target, so 0 means "leave it").
 * Returns the pid once the exec has succeeded, or -1 with errno set (fork failed, or
 * the exec's own errno; the failed child has been reaped). */
pid_t spawn_program(const char *path, char *const argv[], int out_fd, int err_fd);

#endif
