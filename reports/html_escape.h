/* Writing untrusted text into HTML. */
#ifndef CETHARNESS_HTML_ESCAPE_H
#define CETHARNESS_HTML_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Writes s[0..len) cleaned (text_clean) and escaped for both element text and quoted
 * attribute values (& < > " ').  Returns -1 when out of memory. */
int html_put_len(FILE *out, const char *s, size_t len, size_t limit);
/* html_put_len of a NUL-terminated string; NULL writes nothing. */
int html_put(FILE *out, const char *s);

/* s made into an id that needs no escaping in a URL fragment or a CSS selector:
 * [A-Za-z0-9-] kept, '/' becomes '.', every other byte "_XX" (hex), so distinct names
 * give distinct ids. */
const char *html_id_safe(const char *s, char *buf, size_t buflen);

#endif
