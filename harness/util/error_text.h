/* Filling the caller's error buffer: the one-line messages functions hand back. */
#ifndef HARNESS_ERROR_TEXT_H
#define HARNESS_ERROR_TEXT_H

#include <stddef.h>

/* printf into err (if err and errlen are usable). */
void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
