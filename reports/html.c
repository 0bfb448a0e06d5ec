/* One self-contained HTML5 page: inline CSS, no scripts, no external resources, so it
 * can be opened from a CI artifact as it is.  Counts are computed from the cases so
 * they agree with the JUnit file. */
#include "reports.h"
#include "html_case.h"
#include "html_conformance.h"
#include "html_escape.h"
#include "html_page.h"
#include "report_fields.h"

#include <string.h>

/* What the page is made from; a conformance-mode report adds the conformance parts. */
struct suite_page {
    json_object *suite, *cases;
    int conformance;
};

static void meta_row(FILE *out, const char *label, const char *id, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd id=\"%s\">", label, id);
    html_put(out, value ? value : "unknown");
    fputs("</dd>\n", out);
}

static void header(FILE *out, const struct suite_page *p, const struct rep_counts *k)
{
    json_object *suite = p->suite;
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
                 "</ul>\n",
            k->passed, k->failed, k->errors, k->skipped, k->total);
    if (p->conformance)
        html_conformance_total(out, p->cases);
    fputs("</header>\n", out);
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


static void category_section(FILE *out, const struct suite_page *p, const char *category)
{
    json_object *cases = p->cases;
    struct rep_counts k = {0};
    size_t n = json_object_array_length(cases);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category))
            rep_counts_add(&k, rep_case_status(c));
    }
    fputs("<section class=\"category\">\n<h2>", out);
    html_put(out, category);
    fprintf(out, "<small>%ld case%s: %ld passed, %ld failed, %ld errors, %ld skipped",
            k.total, k.total == 1 ? "" : "s", k.passed, k.failed, k.errors, k.skipped);
    if (p->conformance) {
        struct rep_conformance_counts conf;
        rep_conformance_counts_of(cases, category, &conf);
        fprintf(out, "; %ld of %ld conform", conf.conform, conf.graded);
    }
    fputs("</small></h2>\n<table class=\"cases\">\n<thead><tr><th>status</th><th>case</th>"
          "<th>time (s)</th><th>message</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category))
            case_row(out, c);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}


static int body(FILE *out, const struct suite_page *p)
{
    json_object *cases = p->cases;
    struct rep_counts k;
    rep_counts_of(cases, &k);
    fputs("<body>\n", out);
    header(out, p, &k);
    fputs("<main>\n", out);
    json_object *categories = rep_categories(cases);
    size_t ncat = json_object_array_length(categories);
    if (p->conformance) {
        html_conformance_categories(out, cases, categories);
        html_conformance_findings(out, cases);
    }
    for (size_t i = 0; i < ncat; i++)
        category_section(out, p, json_object_get_string(json_object_array_get_idx(categories, i)));
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

static int page(FILE *out, void *ctx)
{
    const struct suite_page *p = ctx;
    html_page_head(out, "cetharness report", p->conformance ? html_conformance_css : "");
    return body(out, p);
}

int report_html_write(json_object *suite, const char *path, char *err, size_t errlen)
{
    struct suite_page p = {suite, rep_field_array(suite, "cases"), rep_suite_conformance(suite)};
    if (!p.cases) {
        snprintf(err, errlen, "html: the suite report has no \"cases\" array");
        return -1;
    }
    return html_page_write(path, page, &p, err, errlen);
}
