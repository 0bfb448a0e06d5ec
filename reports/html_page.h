/* The frame shared by the self-contained HTML pages (the suite report, the comparison):
 * the <head> with the inline stylesheet, and writing a page atomically. */
#ifndef CETHARNESS_HTML_PAGE_H
#define CETHARNESS_HTML_PAGE_H

#include <stddef.h>
#include <stdio.h>

/* <!DOCTYPE html> up to </head>: html_style followed by extra_css (may be ""). */
void html_page_head(FILE *out, const char *title, const char *extra_css);

/* Writes what page(out, ctx) prints to path through a temporary file; page returns 0,
 * or -1 when it could not write everything. */
int html_page_write(const char *path, int (*page)(FILE *out, void *ctx), void *ctx,
                    char *err, size_t errlen);

#endif
