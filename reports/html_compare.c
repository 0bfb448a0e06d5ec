/* The comparison of two suite reports (report --compare --html) as one self-contained
 * page: what changed, the regressions first. */
#include "reports.h"
#include "html_escape.h"
#include "html_page.h"

#include <string.h>

static const char compare_css[] =
    "table.changes{table-layout:fixed}\n"
    "table.changes th:nth-child(2),table.changes th:nth-child(3){width:12em}\n"
    "table.changes td{overflow-wrap:anywhere}\n"
    "td.good{color:var(--pass);font-weight:600}td.bad{color:var(--fail);font-weight:600}\n"
    "td.neutral,td.absent{color:var(--muted)}td.absent{font-style:italic}\n"
    "section.regressed h2{color:var(--fail)}section.now-good h2{color:var(--pass)}\n"
    "p.summary{font-size:1.1em;font-weight:600}\n";

struct compare_page {
    const struct report_comparison *cmp;
    const char *old_label, *new_label;
};

static const struct {
    enum report_change_kind kind;
    const char *cls, *title_conform, *title_pass;
} groups[] = {
    {REPORT_REGRESSED, "regressed", "No longer conform", "No longer pass"},
    {REPORT_NOW_GOOD, "now-good", "Now conform", "Now pass"},
    {REPORT_OTHER_CHANGE, "other", "Other changes", "Other changes"},
};

static void report_row(FILE *out, const char *label, const char *id, const char *file,
                       const char *qemu, int conformance)
{
    fprintf(out, "<dt>%s</dt><dd id=\"%s\"><code>", label, id);
    html_put(out, file);
    fputs("</code> (QEMU ", out);
    html_put(out, qemu);
    fprintf(out, ", %s mode)</dd>\n", conformance ? "conformance" : "reference");
}

static void count_item(FILE *out, const char *cls, const char *id, size_t n, const char *what)
{
    fprintf(out, "<li class=\"%s\"><span id=\"%s\">%zu</span>%s</li>\n", cls, id, n, what);
}

static void header(FILE *out, const struct compare_page *p)
{
    const struct report_comparison *cmp = p->cmp;
    const char *good = cmp->by_conformance ? "conform" : "pass";
    fputs("<header>\n<h1>cetharness comparison</h1>\n<dl class=\"meta\">\n", out);
    report_row(out, "Old report", "old-report", p->old_label, cmp->old_qemu, cmp->old_conformance);
    report_row(out, "New report", "new-report", p->new_label, cmp->new_qemu, cmp->new_conformance);
    fprintf(out, "<dt>Compared</dt><dd id=\"compared\">%s</dd>\n</dl>\n<ul class=\"counts\">\n",
            cmp->by_conformance ? "conformance verdicts" : "case status (pass, fail, error, skip)");
    char what[32];
    snprintf(what, sizeof what, "no longer %s", good);
    count_item(out, "failed", "count-regressed", cmp->regressed, what);
    snprintf(what, sizeof what, "now %s", good);
    count_item(out, "passed", "count-now-good", cmp->now_good, what);
    count_item(out, "skipped", "count-other", cmp->other, "other changes");
    count_item(out, "total", "count-unchanged", cmp->unchanged, "unchanged");
    fputs("</ul>\n<p class=\"summary\" id=\"summary\">", out);
    report_comparison_summary(out, cmp);
    fputs("</p>\n</header>\n", out);
}

/* One side of a change: absent, good ("conforms"/"pass"), skip, or anything else. */
static void value_cell(FILE *out, const char *side, const char *value, const char *good)
{
    const char *cls = !value ? "absent" : strcmp(value, good) == 0 ? "good"
                      : strcmp(value, "skip") == 0 ? "neutral" : "bad";
    fprintf(out, "<td class=\"%s %s\">", side, cls);
    html_put(out, value ? value : "(absent)");
    fputs("</td>", out);
}

static void group_section(FILE *out, const struct report_comparison *cmp, size_t g)
{
    const char *good = cmp->by_conformance ? "conforms" : "pass";
    size_t n = 0;
    for (size_t i = 0; i < cmp->nchanges; i++)
        n += cmp->changes[i].kind == groups[g].kind;
    if (n == 0)
        return;
    fprintf(out, "<section class=\"%s\">\n<h2>%s", groups[g].cls,
            cmp->by_conformance ? groups[g].title_conform : groups[g].title_pass);
    fprintf(out, " <small>%zu case%s</small></h2>\n<table class=\"changes\">\n<thead><tr>"
                 "<th>case</th><th>old</th><th>new</th></tr></thead>\n<tbody>\n",
            n, n == 1 ? "" : "s");
    for (size_t i = 0; i < cmp->nchanges; i++) {
        const struct report_change *ch = &cmp->changes[i];
        if (ch->kind != groups[g].kind)
            continue;
        fprintf(out, "<tr class=\"change %s\" data-name=\"", groups[g].cls);
        html_put(out, ch->name);
        fputs("\"><td>", out);
        html_put(out, ch->name);
        fputs("</td>", out);
        value_cell(out, "old", ch->old_value, good);
        value_cell(out, "new", ch->new_value, good);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

static int page(FILE *out, void *ctx)
{
    const struct compare_page *p = ctx;
    html_page_head(out, "cetharness comparison", compare_css);
    fputs("<body>\n", out);
    header(out, p);
    fputs("<main>\n", out);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        group_section(out, p->cmp, g);
    if (p->cmp->nchanges == 0)
        fputs("<p class=\"empty\">no case changed</p>\n", out);
    fputs("</main>\n<footer>written by cetharness</footer>\n</body>\n</html>\n", out);
    return 0;
}

int report_comparison_html_write(const struct report_comparison *cmp, const char *old_label,
                                 const char *new_label, const char *path, char *err,
                                 size_t errlen)
{
    struct compare_page p = {cmp, old_label, new_label};
    return html_page_write(path, page, &p, err, errlen);
}
