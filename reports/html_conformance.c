#include "html_conformance.h"
#include "html_escape.h"
#include "report_fields.h"

#include <string.h>

const char html_conformance_css[] =
    "p.conformance{font-size:1.15em;margin:.2em 0 1em}\n"
    "p.conformance small{color:var(--muted);font-size:.8em;margin-left:.5em}\n"
    "table.by-category{width:auto;min-width:40em}\n"
    "table.by-category td.num{text-align:right}\n"
    "table.by-category tfoot td{font-weight:600}\n"
    "h3.verdict{font-size:1.05em;margin:1.2em 0 .2em;color:var(--fail)}\n"
    "h3.verdict small{font-weight:normal;color:var(--muted);margin-left:.6em}\n"
    "p.meaning{color:var(--muted);margin:0 0 .5em}\n"
    "table.findings{table-layout:fixed}\n"
    "table.findings th:nth-child(1){width:20em}table.findings th:nth-child(2){width:15em}\n"
    "table.findings td{overflow-wrap:anywhere}\n";

/* The verdicts of docs/formats.md other than "conforms", in the order they are listed. */
static const struct {
    const char *verdict, *meaning;
} known_verdicts[] = {
    {"missed-cp", "CET hardware raises a #CP here; the emulator carried on."},
    {"spurious-cp", "The emulator raised a #CP where CET hardware raises none."},
    {"wrong-place", "The emulator raised the #CP at another instruction than CET hardware."},
    {"wrong-delivery", "The #CP did not reach the guest as Linux delivers it "
                       "(SIGSEGV with si_code SEGV_CPERR)."},
    {"wrong-effect", "A CET instruction or CET system call left another result than CET "
                     "hardware under Linux."},
    {"emulator-error", "The emulator died, hung or broke the connection where no #CP was "
                       "due."},
};
#define NKNOWN (sizeof known_verdicts / sizeof known_verdicts[0])

static const char *verdict_meaning(const char *verdict)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (strcmp(verdict, known_verdicts[i].verdict) == 0)
            return known_verdicts[i].meaning;
    return NULL;
}

static long count_verdict(json_object *cases, const char *category, const char *verdict)
{
    long n = 0;
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        const char *v = rep_case_verdict(c);
        if (v && strcmp(v, verdict) == 0 && (!category || rep_in_category(c, category)))
            n++;
    }
    return n;
}

/* The non-conforming verdicts the cases have: the known ones in their order, then any
 * other in order of first appearance.  A new json array of strings. */
static json_object *verdicts_found(json_object *cases)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < NKNOWN; i++)
        if (count_verdict(cases, NULL, known_verdicts[i].verdict) > 0)
            json_object_array_add(list, json_object_new_string(known_verdicts[i].verdict));
    json_object *seen = json_object_new_object();
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        const char *v = rep_case_verdict(json_object_array_get_idx(cases, i));
        if (!v || strcmp(v, "conforms") == 0 || verdict_meaning(v) ||
            json_object_object_get_ex(seen, v, NULL))
            continue;
        json_object_object_add(seen, v, NULL);
        json_object_array_add(list, json_object_new_string(v));
    }
    json_object_put(seen);
    return list;
}

void html_conformance_total(FILE *out, json_object *cases)
{
    struct rep_conformance_counts k;
    rep_conformance_counts_of(cases, NULL, &k);
    long ungraded = (long)json_object_array_length(cases) - k.graded;
    fprintf(out, "<p class=\"conformance\" id=\"conformance-total\" data-conform=\"%ld\" "
                 "data-graded=\"%ld\"><strong>%ld of %ld cases conform</strong>",
            k.conform, k.graded, k.conform, k.graded);
    if (ungraded > 0)
        fprintf(out, " <small>%ld case%s without a verdict (skipped or not judged)</small>",
                ungraded, ungraded == 1 ? "" : "s");
    fputs("</p>\n", out);
}

/* "37 missed-cp, 2 wrong-effect" for the category (NULL: all), or "none". */
static void verdict_breakdown(FILE *out, json_object *cases, const char *category,
                              json_object *verdicts)
{
    int any = 0;
    for (size_t i = 0; i < json_object_array_length(verdicts); i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(verdicts, i));
        long n = count_verdict(cases, category, v);
        if (n == 0)
            continue;
        fprintf(out, "%s%ld ", any ? ", " : "", n);
        html_put(out, v);
        any = 1;
    }
    if (!any)
        fputs("none", out);
}

static void category_row(FILE *out, json_object *cases, const char *category,
                         json_object *verdicts)
{
    struct rep_conformance_counts k;
    struct rep_counts all = {0};
    rep_conformance_counts_of(cases, category, &k);
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (!category || rep_in_category(c, category))
            rep_counts_add(&all, rep_case_status(c));
    }
    fprintf(out, "<tr class=\"%s\"", category ? "category" : "all");
    if (category) {
        fputs(" data-category=\"", out);
        html_put(out, category);
        fputc('"', out);
    }
    fputs("><td>", out);
    html_put(out, category ? category : "all");
    fprintf(out, "</td><td class=\"num\">%ld</td><td class=\"num conform\" data-conform=\"%ld\" "
                 "data-graded=\"%ld\">%ld of %ld</td><td>",
            all.total, k.conform, k.graded, k.conform, k.graded);
    verdict_breakdown(out, cases, category, verdicts);
    fputs("</td></tr>\n", out);
}

void html_conformance_categories(FILE *out, json_object *cases, json_object *categories)
{
    json_object *verdicts = verdicts_found(cases);
    fputs("<section class=\"conformance-categories\">\n<h2>Conformance by category</h2>\n"
          "<table class=\"by-category\">\n<thead><tr><th>category</th><th>cases</th>"
          "<th>conform</th><th>not conforming</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < json_object_array_length(categories); i++)
        category_row(out, cases, json_object_get_string(json_object_array_get_idx(categories, i)),
                     verdicts);
    fputs("</tbody>\n<tfoot>\n", out);
    category_row(out, cases, NULL, verdicts);
    fputs("</tfoot>\n</table>\n</section>\n", out);
    json_object_put(verdicts);
}

static void finding_row(FILE *out, json_object *c)
{
    json_object *conf = rep_field_obj(c, "conformance");
    const char *name = rep_field_str(c, "name", "unnamed");
    const char *pc = rep_field_str(conf, "pc", NULL);
    const char *symbol = rep_field_str(conf, "pc_symbol", NULL);
    char id[1024];
    fputs("<tr class=\"finding\" data-name=\"", out);
    html_put(out, name);
    fprintf(out, "\"><td><a href=\"#%s\">", html_id_safe(name, id, sizeof id));
    html_put(out, name);
    fputs("</a></td><td>", out);
    if (pc) {
        fputs("<code>", out);
        html_put(out, pc);
        fputs("</code>", out);
    } else {
        fputs("<span class=\"empty\">no address</span>", out);
    }
    if (symbol && *symbol) {
        fputs(" <code>&lt;", out);
        html_put(out, symbol);
        fputs("&gt;</code>", out);
    }
    fputs("</td><td>", out);
    html_put(out, rep_field_str(conf, "detail", ""));
    fputs("</td></tr>\n", out);
}

static void verdict_group(FILE *out, json_object *cases, const char *verdict)
{
    long n = count_verdict(cases, NULL, verdict);
    const char *meaning = verdict_meaning(verdict);
    char id[256];
    fprintf(out, "<h3 class=\"verdict\" id=\"verdict-%s\" data-verdict=\"",
            html_id_safe(verdict, id, sizeof id));
    html_put(out, verdict);
    fprintf(out, "\" data-count=\"%ld\">", n);
    html_put(out, verdict);
    fprintf(out, " <small>%ld case%s</small></h3>\n", n, n == 1 ? "" : "s");
    if (meaning)
        fprintf(out, "<p class=\"meaning\">%s</p>\n", meaning);
    fputs("<table class=\"findings\">\n<thead><tr><th>case</th><th>where</th>"
          "<th>detail</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        const char *v = rep_case_verdict(c);
        if (v && strcmp(v, verdict) == 0)
            finding_row(out, c);
    }
    fputs("</tbody>\n</table>\n", out);
}

void html_conformance_findings(FILE *out, json_object *cases)
{
    struct rep_conformance_counts k;
    rep_conformance_counts_of(cases, NULL, &k);
    long bad = k.graded - k.conform;
    fprintf(out, "<section class=\"nonconforming\" id=\"nonconforming\">\n"
                 "<h2>Non-conforming cases <small>%ld case%s</small></h2>\n",
            bad, bad == 1 ? "" : "s");
    json_object *verdicts = verdicts_found(cases);
    for (size_t i = 0; i < json_object_array_length(verdicts); i++)
        verdict_group(out, cases, json_object_get_string(json_object_array_get_idx(verdicts, i)));
    if (json_object_array_length(verdicts) == 0)
        fputs("<p class=\"empty\">every case with a verdict conforms</p>\n", out);
    json_object_put(verdicts);
    fputs("</section>\n", out);
}
