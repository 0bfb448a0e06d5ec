#include "html_page.h"
#include "html_escape.h"
#include "html_style.h"
#include "report_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void html_page_head(FILE *out, const char *title, const char *extra_css)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>", out);
    html_put(out, title);
    fprintf(out, "</title>\n<style>\n%s%s</style>\n</head>\n", html_style, extra_css);
}

int html_page_write(const char *path, int (*page)(FILE *out, void *ctx), void *ctx,
                    char *err, size_t errlen)
{
    char *tmp = report_tmp_path(path);
    FILE *out = tmp ? fopen(tmp, "w") : NULL;
    if (!out) {
        snprintf(err, errlen, "html: cannot create %s: %s", path,
                 tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return -1;
    }
    int bad = page(out, ctx) != 0;
    bad |= ferror(out) != 0;
    bad |= fclose(out) != 0;
    int rc = -1;
    if (bad) {
        snprintf(err, errlen, "html: cannot write %s", tmp);
        unlink(tmp);
    } else {
        rc = report_commit(tmp, path, err, errlen);
    }
    free(tmp);
    return rc;
}
