/* Making arbitrary guest text safe for XML 1.0 and HTML: shared by junit.c and html.c. */
#ifndef CETHARNESS_TEXT_CLEAN_H
#define CETHARNESS_TEXT_CLEAN_H

#include <stddef.h>

/* Returns a malloc'd NUL-terminated copy of s[0..len) that is valid UTF-8 and holds
 * only characters legal in XML 1.0: ANSI escape sequences and C0 control bytes other
 * than TAB, LF and CR are removed, as are DEL and NUL; every byte that does not start
 * a well-formed UTF-8 sequence (and U+FFFE/U+FFFF) becomes U+FFFD.  When len exceeds
 * max_bytes (0 = no limit) only the first max_bytes are kept, cut at a character
 * boundary, and a note of how much was dropped is appended.  NULL when out of memory. */
char *text_clean(const char *s, size_t len, size_t max_bytes);

/* text_clean of a NUL-terminated string (NULL gives ""), no length limit. */
char *text_clean_str(const char *s);

/* text_clean_str, then every run of CR/LF/TAB replaced by one space and the ends
 * trimmed: for attribute values that must be one line. */
char *text_clean_line(const char *s);

#endif
