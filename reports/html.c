/* One self-contained HTML5 page: inline CSS, no scripts, no external resources, so it
 * can be opened from a CI artifact as it is.  Counts are computed from the cases so
 * they agree with the JUnit file. */
#include "reports.h"
#include "html_case.h"
#include "html_escape.h"
#include "html_style.h"
#include "report_fields.h"
#include "report_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void head(FILE *out)
{
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>cetharness report</title>\n<style>\n%s</style>\n</head>\n",
            html_style);
}

static void meta_row(FILE *out, const char *label, const char *id, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd id=\"%s\">", label, id);
    html_put(out, value ? value : "unknown");
    fputs("</dd>\n", out);
}

static void header(FILE *out, json_object *suite, const struct rep_counts *k)
{
    json_object *qemu = rep_field_obj(suite, "qemu");
    json_object *shard = rep_field_obj(suite, "shard");
    char wall[48];
    rep_seconds(rep_field_double(suite, "wall_s", 0), wall, sizeof wall - 2);
    strcat(wall, " s");

    fputs("<header>\n<h1>cetharness report</h1>\n<dl class=\"meta\">\n", out);
    meta_row(out, "QEMU version", "qemu-version", rep_field_str(qemu, "version", NULL));
    meta_row(out, "QEMU path", "qemu-path", rep_field_str(qemu, "path", NULL));
    meta_row(out, "Started", "started", rep_field_str(suite, "started", NULL));
    meta_row(out, "Wall time", "wall-time", wall);
    meta_row(out, "cetharness", "tool-version", rep_field_str(suite, "version", NULL));
    if (shard && rep_field_int(shard, "count", 1) > 1) {
        char s[64];
        snprintf(s, sizeof s, "%lld of %lld", (long long)rep_field_int(shard, "index", 0),
                 (long long)rep_field_int(shard, "count", 0));
        meta_row(out, "Shard", "shard", s);
    }
    fprintf(out, "</dl>\n<ul class=\"counts\">\n"
                 "<li class=\"passed\"><span id=\"count-passed\">%ld</span>passed</li>\n"
                 "<li class=\"failed\"><span id=\"count-failed\">%ld</span>failed</li>\n"
                 "<li class=\"errors\"><span id=\"count-errors\">%ld</span>errors</li>\n"
                 "<li class=\"skipped\"><span id=\"count-skipped\">%ld</span>skipped</li>\n"
                 "<li class=\"total\"><span id=\"count-total\">%ld</span>total</li>\n"
                 "</ul>\n</header>\n",
            k->passed, k->failed, k->errors, k->skipped, k->total);
}

static void case_row(FILE *out, json_object *c)
{
    enum rep_status s = rep_case_status(c);
    const char *name = rep_field_str(c, "name", "unnamed");
    char id[1024], time_buf[32];
    fprintf(out, "<tr class=\"case\" data-status=\"%s\" data-name=\"", rep_status_word(s));
    html_put(out, name);
    fprintf(out, "\"><td class=\"status %s\">%s</td><td><a href=\"#%s\">", rep_status_word(s),
            rep_status_label(s), html_id_safe(name, id, sizeof id));
    html_put(out, name);
    fprintf(out, "</a></td><td class=\"time\">%s</td><td class=\"msg\">",
            rep_seconds(rep_field_double(c, "time_s", 0), time_buf, sizeof time_buf));
    html_put(out, rep_field_str(c, "message", ""));
    fputs("</td></tr>\n", out);
}


static void category_section(FILE *out, json_object *cases, const char *category)
{
    struct rep_counts k = {0};
    size_t n = json_object_array_length(cases);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category))
            rep_counts_add(&k, rep_case_status(c));
    }
    fputs("<section class=\"category\">\n<h2>", out);
    html_put(out, category);
    fprintf(out, "<small>%ld case%s: %ld passed, %ld failed, %ld errors, %ld skipped</small>"
                 "</h2>\n<table class=\"cases\">\n<thead><tr><th>status</th><th>case</th>"
                 "<th>time (s)</th><th>message</th></tr></thead>\n<tbody>\n",
            k.total, k.total == 1 ? "" : "s", k.passed, k.failed, k.errors, k.skipped);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category))
            case_row(out, c);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}


static int body(FILE *out, json_object *suite, json_object *cases)
{
    struct rep_counts k;
    rep_counts_of(cases, &k);
    fputs("<body>\n", out);
    header(out, suite, &k);
    fputs("<main>\n", out);
    json_object *categories = rep_categories(cases);
    size_t ncat = json_object_array_length(categories);
    for (size_t i = 0; i < ncat; i++)
        category_section(out, cases,
                         json_object_get_string(json_object_array_get_idx(categories, i)));
    if (k.total == 0)
        fputs("<p class=\"empty\">no cases were run</p>\n", out);
    fputs("<h2>Details</h2>\n", out);
    int rc = 0;
    for (size_t i = 0; i < ncat && rc == 0; i++) {
        const char *cat = json_object_get_string(json_object_array_get_idx(categories, i));
        for (size_t j = 0; j < json_object_array_length(cases) && rc == 0; j++) {
            json_object *c = json_object_array_get_idx(cases, j);
            if (rep_in_category(c, cat))
                rc = html_case_details(out, c);
        }
    }
    json_object_put(categories);
    fputs("</main>\n<footer>written by cetharness</footer>\n</body>\n</html>\n", out);
    return rc;
}

int report_html_write(json_object *suite, const char *path, char *err, size_t errlen)
{
    json_object *cases = rep_field_array(suite, "cases");
    if (!cases) {
        snprintf(err, errlen, "html: the suite report has no \"cases\" array");
        return -1;
    }
    char *tmp = report_tmp_path(path);
    FILE *out = tmp ? fopen(tmp, "w") : NULL;
    if (!out) {
        snprintf(err, errlen, "html: cannot create %s: %s", path,
                 tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return -1;
    }
    head(out);
    int bad = body(out, suite, cases) != 0;
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
