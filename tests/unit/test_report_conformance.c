/* Unit tests of the conformance side of reports/: report_compare (what changed between
 * two suite reports, as text and as a page) and the conformance parts of the HTML
 * suite page. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_test_helpers.h"
#include "reports.h"

/* ---- building suite reports ------------------------------------------------------ */

static json_object *verdict_of(const char *name, const char *verdict)
{
    int conforms = strcmp(verdict, "conforms") == 0;
    char detail[128];
    snprintf(detail, sizeof detail, "what went wrong in %s", name);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "verdict", json_object_new_string(verdict));
    json_object_object_add(o, "pc", conforms ? NULL : json_object_new_string("0x401000"));
    json_object_object_add(o, "pc_symbol", conforms ? NULL : json_object_new_string("f"));
    json_object_object_add(o, "detail", conforms ? NULL : json_object_new_string(detail));
    return o;
}

/* conformance: value is the verdict (status pass when it conforms, else fail), or
 * "skip" for a skipped case, which has none; else value is the case's status. */
static json_object *case_of(int conformance, const char *name, const char *value)
{
    json_object *c = json_object_new_object();
    const char *status = value;
    json_object_object_add(c, "name", json_object_new_string(name));
    if (conformance && strcmp(value, "skip") != 0) {
        status = strcmp(value, "conforms") == 0 ? "pass" : "fail";
        json_object_object_add(c, "conformance", verdict_of(name, value));
    }
    json_object_object_add(c, "status", json_object_new_string(status));
    return c;
}

/* A suite report from "NAME=VALUE NAME=VALUE ..." (case_of says what VALUE is). */
static json_object *suite_of(int conformance, const char *spec)
{
    json_object *suite = json_object_new_object(), *cases = json_object_new_array();
    json_object *qemu = json_object_new_object();
    json_object_object_add(qemu, "version", json_object_new_string("7.2.22"));
    json_object_object_add(suite, "qemu", qemu);
    json_object_object_add(suite, "mode",
                           json_object_new_string(conformance ? "conformance" : "reference"));
    char *copy = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        cr_assert_not_null(eq, "bad spec %s", tok);
        *eq = '\0';
        json_object_array_add(cases, case_of(conformance, tok, eq + 1));
    }
    free(copy);
    json_object_object_add(suite, "cases", cases);
    return suite;
}

static json_object *conformance_suite(const char *spec)
{
    return suite_of(1, spec);
}

static json_object *reference_suite(const char *spec)
{
    return suite_of(0, spec);
}

/* ---- report_compare ---------------------------------------------------------------- */

/* Compares OLD with NEW (and frees both); expects the tally {now good, regressed, other,
 * unchanged} and what report_comparison_print writes.  The caller frees cmp. */
static void check_comparison(struct report_comparison *cmp, const char *what, json_object *old,
                             json_object *new, const size_t tally[4], const char *printed)
{
    char err[256] = "", *buf = NULL;
    size_t len = 0;
    cr_assert_eq(report_compare(old, new, cmp, err, sizeof err), 0, "%s: %s", what, err);
    json_object_put(old);
    json_object_put(new);
    cr_expect_eq(cmp->nchanges, tally[0] + tally[1] + tally[2], "%s", what);
    cr_expect_eq(cmp->now_good, tally[0], "%s: now_good %zu", what, cmp->now_good);
    cr_expect_eq(cmp->regressed, tally[1], "%s: regressed %zu", what, cmp->regressed);
    cr_expect_eq(cmp->other, tally[2], "%s: other %zu", what, cmp->other);
    cr_expect_eq(cmp->unchanged, tally[3], "%s: unchanged %zu", what, cmp->unchanged);
    FILE *mem = open_memstream(&buf, &len);
    report_comparison_print(mem, cmp);
    fclose(mem);
    cr_expect_str_eq(buf, printed, "%s", what);
    free(buf);
}

/* Pairs of reports (case_of says what the values are) and what comparing them gives. */
struct comparison_case {
    const char *what;
    int old_conformance;
    const char *old;
    int new_conformance;
    const char *new;
    int by_conformance;
    size_t tally[4];            /* now good, regressed, other, unchanged */
    const char *printed;
};

static const struct comparison_case comparison_cases[] = {
        {"fixed", 1, "ibt/a=missed-cp ibt/b=conforms", 1, "ibt/a=conforms ibt/b=conforms", 1,
         {1, 0, 0, 1}, "ibt/a: missed-cp -> conforms\n"
         "1 case changed: 1 now conform, 0 no longer conform, 0 other changes\n"},
        {"broke", 1, "ssp/rdssp=conforms shstk/x=missed-cp", 1,
         "ssp/rdssp=wrong-effect shstk/x=missed-cp", 1, {0, 1, 0, 1},
         "ssp/rdssp: conforms -> wrong-effect\n"
         "1 case changed: 0 now conform, 1 no longer conform, 0 other changes\n"},
        {"unchanged", 1, "c/a=conforms c/b=missed-cp c/c=wrong-effect c/d=skip", 1,
         "c/a=conforms c/b=missed-cp c/c=wrong-effect c/d=skip", 1, {0, 0, 0, 4},
         "0 cases changed: 0 now conform, 0 no longer conform, 0 other changes\n"},
        {"one wrong verdict for another is no regression", 1, "ibt/a=missed-cp", 1,
         "ibt/a=wrong-place", 1, {0, 0, 1, 0}, "ibt/a: missed-cp -> wrong-place\n"
         "1 case changed: 0 now conform, 0 no longer conform, 1 other change\n"},
        {"skip is neither good nor bad", 1, "a/was-good=conforms a/was-skipped=skip a/fixed=skip",
         1, "a/was-good=skip a/was-skipped=missed-cp a/fixed=conforms", 1, {1, 1, 1, 0},
         "a/fixed: skip -> conforms\n"
         "a/was-good: conforms -> skip\n"
         "a/was-skipped: skip -> missed-cp\n"
         "3 cases changed: 1 now conform, 1 no longer conform, 1 other change\n"},
        {"reference mode compares status", 0, "t/a=pass t/b=fail t/c=error t/d=pass t/e=skip", 0,
         "t/a=fail t/b=pass t/c=fail t/d=pass t/e=skip", 0, {1, 1, 1, 2},
         "t/a: pass -> fail\n"
         "t/b: fail -> pass\n"
         "t/c: error -> fail\n"
         "3 cases changed: 1 now pass, 1 no longer pass, 1 other change\n"},
        {"reference against conformance compares status", 0, "t/a=pass t/b=pass t/c=skip", 1,
         "t/a=conforms t/b=missed-cp t/c=skip", 0, {0, 1, 0, 2},
         "t/b: pass -> fail\n"
         "1 case changed: 0 now pass, 1 no longer pass, 0 other changes\n"},
};

Test(report_compare, changes)
{
    for (size_t i = 0; i < sizeof comparison_cases / sizeof comparison_cases[0]; i++) {
        const struct comparison_case *c = &comparison_cases[i];
        struct report_comparison cmp;
        check_comparison(&cmp, c->what, suite_of(c->old_conformance, c->old),
                         suite_of(c->new_conformance, c->new), c->tally, c->printed);
        cr_expect_eq(cmp.by_conformance, c->by_conformance, "%s", c->what);
        cr_expect_eq(cmp.old_conformance, c->old_conformance, "%s", c->what);
        cr_expect_eq(cmp.new_conformance, c->new_conformance, "%s", c->what);
        report_comparison_free(&cmp);
    }
}

Test(report_compare, change_records)
{
    struct report_comparison cmp;
    check_comparison(&cmp, "records", conformance_suite("ibt/a=missed-cp"),
                     conformance_suite("ibt/a=conforms"),
                     (size_t[]){1, 0, 0, 0}, "ibt/a: missed-cp -> conforms\n"
                     "1 case changed: 1 now conform, 0 no longer conform, 0 other changes\n");
    cr_assert_eq(cmp.nchanges, 1);
    cr_expect_str_eq(cmp.changes[0].name, "ibt/a");
    cr_expect_str_eq(cmp.changes[0].old_value, "missed-cp");
    cr_expect_str_eq(cmp.changes[0].new_value, "conforms");
    cr_expect_eq(cmp.changes[0].kind, REPORT_NOW_GOOD);
    cr_expect_str_eq(cmp.old_qemu, "7.2.22");
    report_comparison_free(&cmp);
}

Test(report_compare, absent_on_either_side_sorted_by_name)
{
    struct report_comparison cmp;
    check_comparison(&cmp, "absent", conformance_suite("x/kept=conforms x/gone=conforms"),
                     conformance_suite("x/new-good=conforms x/kept=conforms x/new-bad=spurious-cp"),
                     (size_t[]){1, 1, 1, 1},
                     "x/gone: conforms -> (absent)\n"
                     "x/new-bad: (absent) -> spurious-cp\n"
                     "x/new-good: (absent) -> conforms\n"
                     "3 cases changed: 1 now conform, 1 no longer conform, 1 other change\n");
    cr_assert_eq(cmp.nchanges, 3);
    cr_expect_null(cmp.changes[0].new_value);
    cr_expect_eq(cmp.changes[0].kind, REPORT_OTHER_CHANGE);
    cr_expect_null(cmp.changes[1].old_value);
    cr_expect_eq(cmp.changes[1].kind, REPORT_REGRESSED);
    cr_expect_eq(cmp.changes[2].kind, REPORT_NOW_GOOD);
    report_comparison_free(&cmp);
}

Test(report_compare, conformance_objects_make_a_report_without_mode_a_conformance_one)
{
    json_object *old = conformance_suite("a/x=missed-cp"), *new = conformance_suite("a/x=wrong-place");
    json_object_object_del(old, "mode");
    json_object_object_del(new, "mode");
    struct report_comparison cmp;
    check_comparison(&cmp, "no mode", old, new, (size_t[]){0, 0, 1, 0},
                     "a/x: missed-cp -> wrong-place\n"
                     "1 case changed: 0 now conform, 0 no longer conform, 1 other change\n");
    cr_expect(cmp.by_conformance);
    report_comparison_free(&cmp);
}

static void expect_compare_error(json_object *old, json_object *new, const char *want)
{
    struct report_comparison cmp;
    char err[256] = "";
    cr_expect_eq(report_compare(old, new, &cmp, err, sizeof err), -1);
    cr_expect_str_eq(err, want);
    cr_expect_eq(cmp.nchanges, 0);
    json_object_put(old);
    json_object_put(new);
}

Test(report_compare, invalid_reports_are_errors_that_say_which)
{
    json_object *no_cases = json_object_new_object();
    expect_compare_error(no_cases, conformance_suite("a/x=conforms"),
                         "the old report: not a suite report (no \"cases\" array)");
    expect_compare_error(conformance_suite("a/x=conforms"),
                         conformance_suite("a/x=conforms a/y=conforms a/x=missed-cp"),
                         "the new report: case a/x appears twice");
    json_object *nameless = conformance_suite("a/x=conforms");
    json_object_object_del(json_object_array_get_idx(json_object_object_get(nameless, "cases"), 0),
                           "name");
    expect_compare_error(nameless, conformance_suite("a/x=conforms"),
                         "the old report: case 1 has no name");
    json_object *no_verdict = conformance_suite("a/x=conforms");
    json_object_object_del(json_object_object_get(json_object_array_get_idx(
                               json_object_object_get(no_verdict, "cases"), 0), "conformance"),
                           "verdict");
    expect_compare_error(conformance_suite("a/x=conforms"), no_verdict,
                         "the new report: case a/x: its \"conformance\" has no \"verdict\"");
}

/* ---- the comparison page ---------------------------------------------------------- */

TestSuite(report_compare_html, .init = make_scratch, .fini = remove_scratch);

/* Compares and frees both reports. */
static void compare(json_object *old, json_object *new, struct report_comparison *cmp)
{
    char err[256] = "";
    cr_assert_eq(report_compare(old, new, cmp, err, sizeof err), 0, "%s", err);
    json_object_put(old);
    json_object_put(new);
}

static htmlDocPtr compare_page(const struct report_comparison *cmp)
{
    char err[256] = "";
    const char *path = scratch_file("compare.html");
    cr_assert_eq(report_comparison_html_write(cmp, "old <1>.json", "new.json", path, err,
                                              sizeof err), 0, "%s", err);
    char *html = slurp(path);
    cr_expect_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
    cr_expect_null(strstr(html, "<script"));
    cr_expect_null(strstr(html, "old <1>"), "unescaped label");
    free(html);
    return parse_html_file(path);
}

Test(report_compare_html, changes_grouped_regressions_first)
{
    struct report_comparison cmp;
    compare(conformance_suite("a/fixed=missed-cp a/broke=conforms a/other=missed-cp a/same=conforms"),
            conformance_suite("a/fixed=conforms a/broke=wrong-effect a/other=wrong-place "
                              "a/same=conforms a/added=spurious-cp"), &cmp);
    htmlDocPtr doc = compare_page(&cmp);
    expect_xpath_string(doc, "string(//*[@id='count-regressed'])", "2");
    expect_xpath_string(doc, "string(//*[@id='count-now-good'])", "1");
    expect_xpath_string(doc, "string(//*[@id='count-other'])", "1");
    expect_xpath_string(doc, "string(//*[@id='count-unchanged'])", "1");
    expect_xpath_string(doc, "string(//*[@id='summary'])",
                        "4 cases changed: 1 now conform, 2 no longer conform, 1 other change");
    expect_xpath_string(doc, "normalize-space(//*[@id='old-report'])",
                        "old <1>.json (QEMU 7.2.22, conformance mode)");
    expect_xpath_string(doc, "string(//*[@id='compared'])", "conformance verdicts");
    expect_xpath_string(doc, "normalize-space(//section[1]/h2)", "No longer conform 2 cases");
    expect_xpath_string(doc, "string(//section[1]//tr[@data-name='a/added']/td[2])", "(absent)");
    expect_xpath_string(doc, "string(//section[1]//tr[@data-name='a/added']/td[3])", "spurious-cp");
    expect_xpath_string(doc, "string(//section[1]//tr[@data-name='a/broke']/td[2])", "conforms");
    expect_xpath_string(doc, "normalize-space(//section[2]/h2)", "Now conform 1 case");
    expect_xpath_string(doc, "string(//section[2]//tr/@data-name)", "a/fixed");
    expect_xpath_string(doc, "string(//section[3]//tr/td[3])", "wrong-place");
    cr_expect_eq(xpath_number(doc, "count(//tr[contains(@class, 'change')])"), 4);
    cr_expect_eq(xpath_number(doc, "count(//tr[@data-name='a/same'])"), 0);
    xmlFreeDoc(doc);
    report_comparison_free(&cmp);
}

Test(report_compare_html, nothing_changed_in_reference_mode)
{
    struct report_comparison cmp;
    compare(reference_suite("t/a=pass t/b=fail"), reference_suite("t/a=pass t/b=fail"), &cmp);
    htmlDocPtr doc = compare_page(&cmp);
    expect_xpath_string(doc, "string(//p[@class='empty'])", "no case changed");
    expect_xpath_string(doc, "string(//*[@id='summary'])",
                        "0 cases changed: 0 now pass, 0 no longer pass, 0 other changes");
    expect_xpath_string(doc, "string(//*[@id='compared'])", "case status (pass, fail, error, skip)");
    cr_expect_eq(xpath_number(doc, "count(//section)"), 0);
    xmlFreeDoc(doc);
    report_comparison_free(&cmp);
}

/* ---- the conformance parts of the suite page -------------------------------------- */

TestSuite(report_html_conformance, .init = make_scratch, .fini = remove_scratch);

static json_object *case_in(json_object *suite, size_t i)
{
    return json_object_array_get_idx(json_object_object_get(suite, "cases"), i);
}

/* Two categories: ibt 1 of 2 conform (one more skipped), shstk 1 of 4. */
static json_object *graded_suite(void)
{
    json_object *suite = conformance_suite(
        "ibt/a=conforms ibt/b=missed-cp ibt/c=skip shstk/d=wrong-effect shstk/e=conforms "
        "shstk/f=missed-cp shstk/g=odd-verdict");
    json_object *b = json_object_object_get(case_in(suite, 1), "conformance");
    json_object_object_add(b, "pc", json_object_new_string("0x401007"));
    json_object_object_add(b, "pc_symbol", json_object_new_string("target"));
    json_object_object_add(b, "detail", json_object_new_string("call rax landed on <x> & went on"));
    json_object *d = json_object_object_get(case_in(suite, 3), "conformance");
    json_object_object_add(d, "pc", NULL);
    json_object_object_add(d, "pc_symbol", NULL);
    return suite;
}

Test(report_html_conformance, total_and_categories)
{
    json_object *suite = graded_suite();
    char *html = write_html(suite);
    cr_expect_not_null(strstr(html, "2 of 6 cases conform"));
    cr_expect_not_null(strstr(html, "1 case without a verdict"));
    htmlDocPtr doc = parse_html_file(scratch_file("report.html"));
    expect_xpath_string(doc, "string(//p[@id='conformance-total']/strong)", "2 of 6 cases conform");
    expect_xpath_string(doc, "string(//tr[@data-category='ibt']/td[2])", "3");
    expect_xpath_string(doc, "string(//tr[@data-category='ibt']/td[3])", "1 of 2");
    expect_xpath_string(doc, "string(//tr[@data-category='ibt']/td[4])", "1 missed-cp");
    expect_xpath_string(doc, "string(//tr[@data-category='shstk']/td[3])", "1 of 4");
    expect_xpath_string(doc, "string(//tr[@data-category='shstk']/td[4])",
                        "1 missed-cp, 1 wrong-effect, 1 odd-verdict");
    expect_xpath_string(doc, "string(//table[@class='by-category']/tfoot/tr/td[3])", "2 of 6");
    expect_xpath_string(doc, "string(//table[@class='by-category']/thead/tr/th[3])", "conform");
    /* each category's own heading says it too */
    expect_xpath_string(doc, "string(//section[@class='category'][2]/h2/small)",
                        "4 cases: 1 passed, 3 failed, 0 errors, 0 skipped; 1 of 4 conform");
    /* the case table is the reference one: one row a case */
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'])"), 7);
    xmlFreeDoc(doc);
    free(html);
    json_object_put(suite);
}

Test(report_html_conformance, nonconforming_cases_by_verdict)
{
    json_object *suite = graded_suite();
    htmlDocPtr doc = write_and_parse_html(suite);
    expect_xpath_string(doc, "normalize-space(//section[@id='nonconforming']/h2)",
                        "Non-conforming cases 4 cases");
    /* known verdicts in their documented order, then others */
    cr_expect_eq(xpath_number(doc, "count(//h3[@class='verdict'])"), 3);
    expect_xpath_string(doc, "normalize-space(//h3[@class='verdict'][1])", "missed-cp 2 cases");
    expect_xpath_string(doc, "normalize-space(//h3[@class='verdict'][2])", "wrong-effect 1 case");
    expect_xpath_string(doc, "normalize-space(//h3[@class='verdict'][3])", "odd-verdict 1 case");
    expect_xpath_string(doc, "string(//h3[@id='verdict-missed-cp']/@data-count)", "2");
    const char *missed = "//h3[@id='verdict-missed-cp']/following-sibling::table[1]";
    char expr[256];
    snprintf(expr, sizeof expr, "count(%s//tr[@class='finding'])", missed);
    cr_expect_eq(xpath_number(doc, expr), 2);
    snprintf(expr, sizeof expr, "normalize-space(%s//tr[@data-name='ibt/b']/td[2])", missed);
    expect_xpath_string(doc, expr, "0x401007 <target>");
    snprintf(expr, sizeof expr, "string(%s//tr[@data-name='ibt/b']/td[3])", missed);
    expect_xpath_string(doc, expr, "call rax landed on <x> & went on");
    snprintf(expr, sizeof expr, "string(%s//tr[@data-name='ibt/b']//a/@href)", missed);
    expect_xpath_string(doc, expr, "#ibt.b");
    expect_xpath_string(doc, "string(//tr[@data-name='shstk/d']/td[2])", "no address");
    expect_xpath_string(doc, "string(//tr[@data-name='shstk/g']/td[3])",
                        "what went wrong in shstk/g");
    /* conforming and skipped cases are not listed */
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='finding'][@data-name='ibt/a' or "
                                   "@data-name='ibt/c'])"), 0);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(report_html_conformance, all_conform)
{
    json_object *suite = conformance_suite("a/x=conforms a/y=conforms");
    char *html = write_html(suite);
    cr_expect_not_null(strstr(html, "2 of 2 cases conform"));
    cr_expect_not_null(strstr(html, "every case with a verdict conforms"));
    cr_expect_null(strstr(html, "class=\"verdict\""));
    free(html);
    json_object_put(suite);
}

Test(report_html_conformance, reference_page_has_none_of_it)
{
    json_object *suite = reference_suite("a/x=pass a/y=fail");
    char *html = write_html(suite);
    static const char *const absent[] = {"conformance-total", "cases conform", "by-category",
                                         "Non-conforming", " conform</small>", "h3.verdict"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_expect_null(strstr(html, absent[i]), "found %s", absent[i]);
    free(html);
    json_object_put(suite);
}
