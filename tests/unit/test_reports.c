/* Unit tests of reports/: JUnit, HTML, console, merge, JSON writing, text cleaning. */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_test_helpers.h"
#include "reports.h"
#include "text_clean.h"

static const char nasty[] = "<a & b> \"q\" ]]>";

/* tests/reports/sample-suite.json, found next to this file's directory. */
static json_object *load_fixture(void)
{
    char path[1024];
    const char *here = __FILE__;
    const char *cut = strstr(here, "unit/test_reports.c");
    cr_assert_not_null(cut, "unexpected __FILE__ %s", here);
    snprintf(path, sizeof path, "%.*sreports/sample-suite.json", (int)(cut - here), here);
    json_object *suite = json_object_from_file(path);
    cr_assert_not_null(suite, "cannot read fixture %s (run from the top of the tree)", path);
    return suite;
}

static json_object *case_named(json_object *suite, const char *name)
{
    json_object *cases = json_object_object_get(suite, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (strcmp(json_object_get_string(json_object_object_get(c, "name")), name) == 0)
            return c;
    }
    cr_assert_fail("no case %s in the fixture", name);
    return NULL;
}

static xmlDocPtr write_and_parse_junit(json_object *suite)
{
    char err[256] = "";
    const char *path = scratch_file("junit.xml");
    cr_assert_eq(report_junit_write(suite, path, err, sizeof err), 0, "%s", err);
    /* No recovery: any escaping or encoding mistake makes this fail. */
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "%s is not well-formed XML", path);
    return doc;
}

/* ---- JUnit ----------------------------------------------------------------------- */

TestSuite(reports_junit, .init = make_scratch, .fini = remove_scratch);

Test(reports_junit, counts_and_names_from_fixture)
{
    json_object *suite = load_fixture();
    xmlDocPtr doc = write_and_parse_junit(suite);

    expect_xpath_string(doc, "string(/testsuites/@name)", "cetharness");
    expect_xpath_string(doc, "string(/testsuites/@tests)", "7");
    expect_xpath_string(doc, "string(/testsuites/@failures)", "2");
    expect_xpath_string(doc, "string(/testsuites/@errors)", "1");
    expect_xpath_string(doc, "string(/testsuites/@skipped)", "1");
    expect_xpath_string(doc, "string(/testsuites/@time)", "21.375");
    cr_expect_eq(xpath_number(doc, "count(/testsuites/testsuite)"), 3);

    /* every testsuite's counts agree with its children */
    static const char *const checks[][2] = {
        {"@tests", "testcase"},
        {"@failures", "testcase[failure]"},
        {"@errors", "testcase[error]"},
        {"@skipped", "testcase[skipped]"},
    };
    for (int s = 1; s <= 3; s++)
        for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
            char a[128], b[128];
            snprintf(a, sizeof a, "number(/testsuites/testsuite[%d]/%s)", s, checks[i][0]);
            snprintf(b, sizeof b, "count(/testsuites/testsuite[%d]/%s)", s, checks[i][1]);
            cr_expect_eq(xpath_number(doc, a), xpath_number(doc, b), "suite %d %s", s, a);
        }

    expect_xpath_string(doc, "string(/testsuites/testsuite[@name='shstk']/@time)", "20.418");
    expect_xpath_string(doc, "string(//testsuite[@name='shstk']/properties/"
                             "property[@name='qemu.version']/@value)", "7.2.22");
    expect_xpath_string(doc, "string(//testcase[@name='thread-switch']/@classname)",
                        "cetharness.shstk");
    expect_xpath_string(doc, "string(//testcase[@name='thread-switch']/@time)", "20.004");
    expect_xpath_string(doc, "string(//testcase[@name='notrack-far']/@time)", "0.000");
    expect_xpath_string(doc, "string(//testcase[@name='call-endbr']/@file)",
                        "asm/cases/ibt/call-endbr.asm");
    expect_xpath_string(doc, "string(//testcase[@name='thread-switch']/error/@type)",
                        "harness-error");
    expect_xpath_string(doc, "string(//testcase[@name='ret-after-longjmp']/failure/@type)",
                        "cet-mismatch");
    expect_xpath_string(doc, "string(//testcase[@name='notrack-far']/skipped/@message)",
                        "needs qemu>=8.0, have 7.2.22");
    cr_expect_eq(xpath_number(doc, "count(//testcase[contains(@name, '/')])"), 0);
    cr_expect_eq(xpath_number(doc, "count(//testcase[not(starts-with(@classname, "
                                   "'cetharness.'))])"), 0);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, times_are_three_decimals_with_a_dot)
{
    json_object *suite = load_fixture();
    xmlDocPtr doc = write_and_parse_junit(suite);
    regex_t re;
    cr_assert_eq(regcomp(&re, "^[0-9]+\\.[0-9]{3}$", REG_EXTENDED | REG_NOSUB), 0);
    int n = (int)xpath_number(doc, "count(//@time)");
    cr_assert_gt(n, 7);
    for (int i = 1; i <= n; i++) {
        char expr[64];
        snprintf(expr, sizeof expr, "string((//@time)[%d])", i);
        char *t = xpath_string(doc, expr);
        cr_expect_eq(regexec(&re, t, 0, NULL, 0), 0, "time \"%s\"", t);
        free(t);
    }
    regfree(&re);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, times_ignore_a_comma_locale)
{
    static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                                "nl_NL.UTF-8", "ru_RU.UTF-8"};
    const char *found = NULL;
    for (size_t i = 0; !found && i < sizeof comma_locales / sizeof comma_locales[0]; i++)
        if (setlocale(LC_NUMERIC, comma_locales[i]))
            found = comma_locales[i];
    if (!found) {
        remove_scratch(); /* .fini does not run after a skip */
        cr_skip_test("no locale with a decimal comma is installed");
    }
    json_object *suite = load_fixture();
    xmlDocPtr doc = write_and_parse_junit(suite);
    expect_xpath_string(doc, "string(//testcase[@name='ret-after-longjmp']/@time)", "0.317");
    expect_xpath_string(doc, "string(/testsuites/@time)", "21.375");
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, nasty_strings_round_trip_and_controls_are_gone)
{
    json_object *suite = load_fixture();
    xmlDocPtr doc = write_and_parse_junit(suite);
    char want[256];
    snprintf(want, sizeof want, "expected exit=0, observed exit=1: %s", nasty);
    expect_xpath_string(doc, "string(//testcase[@name='nasty-strings']/failure/@message)", want);

    char *out = xpath_string(doc, "string(//testcase[@name='nasty-strings']/system-out)");
    snprintf(want, sizeof want, "red text %s bell-free\ttab\r\nline two \xc3\xa9\xe2\x9c\x93\n",
             nasty);
    cr_expect_str_eq(out, want);
    free(out);
    char *body = xpath_string(doc, "string(//testcase[@name='nasty-strings']/failure)");
    cr_expect_not_null(strstr(body, nasty), "%s", body);
    free(body);
    xmlFreeDoc(doc);

    char *raw = slurp(scratch_file("junit.xml"));
    cr_expect_null(strchr(raw, '\x1b'), "ESC in the JUnit file");
    cr_expect_null(strchr(raw, '\x01'), "\\x01 in the JUnit file");
    cr_expect_null(strstr(raw, "&#1;"), "\\x01 written as a character reference");
    cr_expect_null(strstr(raw, "<a & b>"), "unescaped markup in the JUnit file");
    free(raw);
    json_object_put(suite);
}

Test(reports_junit, failure_body_has_the_violation_report)
{
    json_object *suite = load_fixture();
    xmlDocPtr doc = write_and_parse_junit(suite);
    char *body = xpath_string(doc, "string(//testcase[@name='ret-after-longjmp']/failure)");
    cr_expect_not_null(strstr(body, "expected: clean\n"), "%s", body);
    cr_expect_not_null(strstr(body, "observed: violation shstk at=unwind_ret (0x401046)\n"));
    cr_expect_not_null(strstr(body, "==CET== shadow-stack violation (ret-mismatch) in thread 1"
                                    " (tid 4242)\n  at 0x401046 <unwind_ret>:  ret\n"), "%s", body);
    cr_expect_not_null(strstr(body, "    #1 0x401105 <_start+0x10>\n"), "%s", body);
    cr_expect_null(strchr(body, '\x1b'), "colour in the failure body");
    free(body);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, invalid_utf8_in_output_is_replaced)
{
    json_object *suite = load_fixture();
    json_object *c = case_named(suite, "shstk/crash-segv");
    static const char bad[] = "ok \xff\xfe then \xc0\xaf and \xed\xa0\x80 end\xe2\x82";
    json_object_object_add(c, "output", json_object_new_string_len(bad, sizeof bad - 1));
    xmlDocPtr doc = write_and_parse_junit(suite);
    char *out = xpath_string(doc, "string(//testcase[@name='crash-segv']/system-out)");
    cr_expect_str_eq(out, "ok \xef\xbf\xbd\xef\xbf\xbd then \xef\xbf\xbd\xef\xbf\xbd and "
                          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd end\xef\xbf\xbd\xef\xbf\xbd");
    free(out);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, duplicate_names_are_made_unique)
{
    json_object *suite = load_fixture();
    json_object *cases = json_object_object_get(suite, "cases");
    json_object *copy = NULL;
    json_object_deep_copy(case_named(suite, "ibt/call-endbr"), &copy, NULL);
    json_object_array_add(cases, copy);
    xmlDocPtr doc = write_and_parse_junit(suite);
    cr_expect_eq(xpath_number(doc, "count(//testcase[@name='call-endbr'])"), 1);
    cr_expect_eq(xpath_number(doc, "count(//testsuite[@name='ibt']/testcase)"), 4);
    expect_xpath_string(doc, "string(//testsuite[@name='ibt']/@tests)", "4");
    expect_xpath_string(doc, "string(/testsuites/@tests)", "8");
    xmlFreeDoc(doc);
    json_object_put(suite);
}

Test(reports_junit, unwritable_path_is_an_error)
{
    json_object *suite = load_fixture();
    char err[256] = "";
    cr_expect_eq(report_junit_write(suite, "/nonexistent-dir/junit.xml", err, sizeof err), -1);
    cr_expect_not_null(strstr(err, "/nonexistent-dir/junit.xml"), "err: %s", err);
    cr_expect_null(strchr(err, '\n'));
    json_object_put(suite);
}

Test(reports_junit, suite_without_cases_is_an_error)
{
    json_object *suite = json_object_new_object();
    char err[256] = "";
    cr_expect_eq(report_junit_write(suite, scratch_file("x.xml"), err, sizeof err), -1);
    cr_expect_gt(strlen(err), 0);
    cr_expect_neq(access(scratch_file("x.xml"), F_OK), 0);
    json_object_put(suite);
}

/* ---- HTML ------------------------------------------------------------------------ */

TestSuite(reports_html, .init = make_scratch, .fini = remove_scratch);

Test(reports_html, text_is_escaped_and_controls_are_gone)
{
    json_object *suite = load_fixture();
    char *html = write_html(suite);
    cr_expect_not_null(strstr(html, "&lt;a &amp; b&gt; &quot;q&quot; ]]&gt;"));
    cr_expect_null(strstr(html, nasty), "unescaped nasty string");
    cr_expect_null(strstr(html, "<a & b>"));
    cr_expect_null(strchr(html, '\x1b'));
    cr_expect_null(strchr(html, '\x01'));
    cr_expect_not_null(strstr(html, "red text &lt;a"), "ANSI escape not stripped cleanly");
    /* attribute values escaped too */
    cr_expect_not_null(strstr(html, "data-name=\"misc/nasty-strings\""));
    free(html);
    json_object_put(suite);
}

Test(reports_html, self_contained)
{
    json_object *suite = load_fixture();
    char *html = write_html(suite);
    static const char *const external[] = {"http:", "https:", "src=", "<link", "url(",
                                           "@import", "<script", "//cdn"};
    for (size_t i = 0; i < sizeof external / sizeof external[0]; i++)
        cr_expect_null(strstr(html, external[i]), "found %s", external[i]);
    cr_expect_not_null(strstr(html, "<style>"));
    cr_expect_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
    free(html);
    json_object_put(suite);
}

Test(reports_html, rows_counts_and_details)
{
    json_object *suite = load_fixture();
    htmlDocPtr doc = write_and_parse_html(suite);
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'])"), 7);
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'][@data-status='pass'])"), 3);
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'][@data-status='fail'])"), 2);
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'][@data-status='error'])"), 1);
    cr_expect_eq(xpath_number(doc, "count(//tr[@class='case'][@data-status='skip'])"), 1);
    expect_xpath_string(doc, "string(//*[@id='count-passed'])", "3");
    expect_xpath_string(doc, "string(//*[@id='count-failed'])", "2");
    expect_xpath_string(doc, "string(//*[@id='count-errors'])", "1");
    expect_xpath_string(doc, "string(//*[@id='count-skipped'])", "1");
    expect_xpath_string(doc, "string(//*[@id='count-total'])", "7");
    expect_xpath_string(doc, "string(//*[@id='qemu-version'])", "7.2.22");
    expect_xpath_string(doc, "string(//*[@id='qemu-path'])", "/usr/bin/qemu-x86_64");

    /* failures and errors open, passes closed; rows link to their details */
    cr_expect_eq(xpath_number(doc, "count(//details[@open])"), 3);
    cr_expect_eq(xpath_number(doc, "count(//details[@id='shstk.ret-after-longjmp'][@open])"), 1);
    cr_expect_eq(xpath_number(doc, "count(//details[@id='ibt.call-endbr'][@open])"), 0);
    expect_xpath_string(doc, "string(//tr[@data-name='shstk/thread-switch']//a/@href)",
                        "#shstk.thread-switch");
    /* the shadow stack of the violation, with symbols */
    expect_xpath_string(doc, "string(//details[@id='shstk.ret-after-longjmp']"
                             "//table[@class='shadow-stack']/tbody/tr[2]/td[3])", "_start+0x10");
    char *head = xpath_string(doc, "string(//details[@id='shstk.ret-after-longjmp']"
                                   "//p[@class='headline'])");
    cr_expect_str_eq(head, "shadow-stack violation (ret-mismatch) in thread 1 (tid 4242)");
    free(head);
    static const char *const target_row[][2] = {
        {"th", "target"}, {"td[1]", "0x401040 <no_endbr>"}, {"td[2]", "push rbp (no ENDBR64)"},
    };
    for (size_t i = 0; i < sizeof target_row / sizeof target_row[0]; i++) {
        char expr[256];
        snprintf(expr, sizeof expr, "normalize-space(//details[@id='ibt.missing-endbr-call']"
                 "//table[@class='where']/tr[2]/%s)", target_row[i][0]);
        expect_xpath_string(doc, expr, target_row[i][1]);
    }
    char *pre = xpath_string(doc, "string(//details[@id='misc.nasty-strings']//pre)");
    cr_expect_not_null(strstr(pre, nasty), "%s", pre);
    free(pre);
    xmlFreeDoc(doc);
    json_object_put(suite);
}

/* ---- console ----------------------------------------------------------------------- */

static char *console_violation(json_object *v, int color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_console_violation(f, v, color);
    fclose(f);
    return buf;
}

static char *console_run(json_object *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_console_run(f, run, 0);
    fclose(f);
    return buf;
}

static json_object *first_violation(json_object *suite, const char *name)
{
    json_object *run = json_object_object_get(case_named(suite, name), "run");
    return json_object_array_get_idx(json_object_object_get(run, "violations"), 0);
}

Test(reports_console, shadow_stack_violation)
{
    json_object *suite = load_fixture();
    char *text = console_violation(first_violation(suite, "shstk/ret-after-longjmp"), 0);
    cr_expect_str_eq(text,
                     "==CET== shadow-stack violation (ret-mismatch) in thread 1 (tid 4242)\n"
                     "  at 0x401046 <unwind_ret>:  ret\n"
                     "  returns to 0x401100 <resume_point>:  mov eax, 1\n"
                     "  expected   0x401005 <main+0x5>\n"
                     "  shadow stack (top first):\n"
                     "    #0 0x401005 <main+0x5>\n"
                     "    #1 0x401105 <_start+0x10>\n"
                     "    #2 0x40200a\n");
    free(text);
    json_object_put(suite);
}

Test(reports_console, ibt_violation)
{
    json_object *suite = load_fixture();
    char *text = console_violation(first_violation(suite, "ibt/missing-endbr-call"), 0);
    cr_expect_str_eq(text,
                     "==CET== indirect-branch violation (missing-endbranch) in thread 1 "
                     "(tid 31337)\n"
                     "  at 0x401012 <call_site>:  call rax\n"
                     "  target 0x401040 <no_endbr>:  push rbp (no ENDBR64)\n");
    free(text);
    json_object_put(suite);
}

Test(reports_console, colour_only_on_the_headline)
{
    json_object *suite = load_fixture();
    char *text = console_violation(first_violation(suite, "ibt/missing-endbr-call"), 1);
    size_t headline = strcspn(text, "\n");
    cr_assert_neq(text[headline], '\0');
    cr_expect_eq(strncmp(text, "\033[", 2), 0, "headline not coloured");
    cr_expect_eq(strncmp(text + headline - 4, "\033[0m", 4), 0, "colour not reset");
    cr_expect_null(strchr(text + headline, '\033'), "colour after the headline");
    free(text);
    json_object_put(suite);
}

Test(reports_console, run_summaries)
{
    json_object *suite = load_fixture();
    char *text = console_run(json_object_object_get(case_named(suite, "shstk/crash-segv"), "run"));
    cr_expect_str_eq(text, "cetharness: guest killed by SIGSEGV (crash, no CET cause) at "
                           "0x401008 <store_null>\n");
    free(text);
    text = console_run(json_object_object_get(case_named(suite, "shstk/thread-switch"), "run"));
    cr_expect_str_eq(text, "cetharness: guest timed out: guest did not finish within 20 s\n");
    free(text);

    json_object *run = json_object_object_get(case_named(suite, "shstk/ret-after-longjmp"), "run");
    json_object *violations = json_object_object_get(run, "violations");
    json_object_array_add(violations, json_object_get(first_violation(suite,
                                                                      "ibt/missing-endbr-call")));
    json_object *exit_info = json_object_object_get(run, "exit");
    json_object_object_add(exit_info, "status", json_object_new_string("exited"));
    json_object_object_add(exit_info, "code", json_object_new_int(0));
    text = console_run(run);
    cr_expect_not_null(strstr(text, "(ret-mismatch)"));
    cr_expect_not_null(strstr(text, "(missing-endbranch)"));
    const char *last = strstr(text, "cetharness: ");
    cr_assert_not_null(last);
    cr_expect_str_eq(last, "cetharness: 2 CET violations; guest exited with 0\n");
    free(text);
    json_object_put(suite);
}

/* Past the kept violations, the count still says how many there were. */
Test(reports_console, summary_counts_violations_the_json_does_not_hold)
{
    json_object *suite = load_fixture();
    json_object *run = json_object_object_get(case_named(suite, "shstk/ret-after-longjmp"), "run");
    json_object_object_add(run, "violations_total", json_object_new_int(4828));
    char *text = console_run(run);
    cr_expect_not_null(strstr(text, "4828 CET violations (the JSON report holds the first 1)"),
                       "%s", text);
    free(text);
    json_object_put(suite);
}

/* A signal from outside is no crash; the harness's own SIGKILL says so. */
Test(reports_console, who_ended_the_guest)
{
    json_object *suite = load_fixture();
    json_object *run = json_object_object_get(case_named(suite, "shstk/crash-segv"), "run");
    json_object *crash = json_object_object_get(run, "crash");
    json_object_object_add(crash, "signal_name", json_object_new_string("SIGTERM"));
    json_object *exit_info = json_object_object_get(run, "exit");
    json_object_object_add(exit_info, "status", json_object_new_string("signaled"));
    json_object_object_add(exit_info, "signal_name", json_object_new_string("SIGTERM"));
    char *text = console_run(run);
    cr_expect_str_eq(text, "cetharness: guest killed by SIGTERM\n");
    free(text);
    json_object_object_add(run, "crash", NULL);
    json_object_object_add(exit_info, "signal_name", json_object_new_string("SIGKILL"));
    json_object_object_add(exit_info, "message", json_object_new_string(
        "stopped by cetharness at the first CET violation (--on-violation=stop)"));
    text = console_run(run);
    cr_expect_str_eq(text, "cetharness: guest ended by cetharness at the first CET violation "
                           "(--on-violation=stop)\n");
    free(text);
    json_object_put(suite);
}

Test(reports_console, repeated_violations_are_shown_once)
{
    json_object *suite = load_fixture();
    json_object *run = json_object_object_get(case_named(suite, "shstk/ret-after-longjmp"), "run");
    json_object *violations = json_object_object_get(run, "violations");
    json_object *ibt = first_violation(suite, "ibt/missing-endbr-call");
    for (int i = 0; i < 3; i++)
        json_object_array_add(violations, json_object_get(ibt));
    char *text = console_run(run);
    const char *first = strstr(text, "(missing-endbranch)");
    cr_assert_not_null(first);
    cr_expect_null(strstr(first + 1, "(missing-endbranch)"), "a repeat was printed: %s", text);
    cr_expect_not_null(strstr(text, "cetharness: 2 more at the same branches and targets"), "%s", text);
    cr_expect_not_null(strstr(text, "4 CET violations"), "the count keeps every one: %s", text);
    free(text);
    json_object_put(suite);
}

/* ---- merge ------------------------------------------------------------------------- */

/* Shard k of 2: every other case of the fixture, with its own shard info and wall time. */
static json_object *shard_of(json_object *suite, int k, double wall, const char *started)
{
    json_object *shard = NULL;
    json_object_deep_copy(suite, &shard, NULL);
    json_object *cases = json_object_new_array();
    json_object *all = json_object_object_get(shard, "cases");
    for (size_t i = (size_t)k - 1; i < json_object_array_length(all); i += 2)
        json_object_array_add(cases, json_object_get(json_object_array_get_idx(all, i)));
    json_object_object_add(shard, "cases", cases);
    json_object *info = json_object_new_object();
    json_object_object_add(info, "index", json_object_new_int(k));
    json_object_object_add(info, "count", json_object_new_int(2));
    json_object_object_add(shard, "shard", info);
    json_object_object_add(shard, "wall_s", json_object_new_double(wall));
    json_object_object_add(shard, "started", json_object_new_string(started));
    return shard;
}

Test(reports_merge, two_shards)
{
    json_object *suite = load_fixture();
    /* second shard first, so that the merge has to sort */
    json_object *shards[2] = {shard_of(suite, 2, 12.5, "2026-11-22T03:00:01Z"),
                              shard_of(suite, 1, 10.25, "2026-11-22T03:00:00Z")};
    char err[256] = "";
    json_object *m = report_merge(shards, 2, err, sizeof err);
    cr_assert_not_null(m, "%s", err);

    json_object *cases = json_object_object_get(m, "cases");
    json_object *orig = json_object_object_get(suite, "cases");
    cr_assert_eq(json_object_array_length(cases), json_object_array_length(orig));
    for (size_t i = 0; i < json_object_array_length(cases); i++)
        cr_expect(json_object_equal(json_object_array_get_idx(cases, i),
                                    json_object_array_get_idx(orig, i)), "case %zu", i);
    cr_expect(json_object_equal(json_object_object_get(m, "counts"),
                                json_object_object_get(suite, "counts")));
    cr_expect_float_eq(json_object_get_double(json_object_object_get(m, "wall_s")), 12.5, 1e-9);
    cr_expect_str_eq(json_object_get_string(json_object_object_get(m, "started")),
                     "2026-11-22T03:00:00Z");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(
                         json_object_object_get(m, "qemu"), "version")), "7.2.22");
    cr_expect_not(json_object_object_get_ex(m, "shard", NULL));
    json_object_put(m);
    json_object_put(shards[0]);
    json_object_put(shards[1]);
    json_object_put(suite);
}

Test(reports_merge, different_qemu_versions_are_an_error)
{
    json_object *suite = load_fixture();
    json_object *shards[2] = {shard_of(suite, 1, 1, "x"), shard_of(suite, 2, 1, "x")};
    json_object_object_add(json_object_object_get(shards[1], "qemu"), "version",
                           json_object_new_string("8.2.0"));
    char err[256] = "";
    cr_expect_null(report_merge(shards, 2, err, sizeof err));
    cr_expect_not_null(strstr(err, "7.2.22"), "err: %s", err);
    cr_expect_not_null(strstr(err, "8.2.0"), "err: %s", err);
    json_object_put(shards[0]);
    json_object_put(shards[1]);
    json_object_put(suite);
}

Test(reports_merge, duplicate_case_is_an_error)
{
    json_object *suite = load_fixture();
    json_object *shards[2] = {shard_of(suite, 1, 1, "x"), shard_of(suite, 2, 1, "x")};
    json_object *dup = NULL;
    json_object_deep_copy(case_named(suite, "shstk/crash-segv"), &dup, NULL);
    json_object_array_add(json_object_object_get(shards[1], "cases"), dup);
    char err[256] = "";
    cr_expect_null(report_merge(shards, 2, err, sizeof err));
    cr_expect_not_null(strstr(err, "shstk/crash-segv"), "err: %s", err);
    json_object_put(shards[0]);
    json_object_put(shards[1]);
    json_object_put(suite);
}

/* Merges the fixture's two shards run in the given modes (NULL: no "mode"). */
static json_object *merge_modes(const char *mode1, const char *mode2, char *err, size_t errlen)
{
    json_object *suite = load_fixture();
    json_object *shards[2] = {shard_of(suite, 1, 1, "x"), shard_of(suite, 2, 1, "x")};
    const char *modes[2] = {mode1, mode2};
    for (int i = 0; i < 2; i++)
        if (modes[i])
            json_object_object_add(shards[i], "mode", json_object_new_string(modes[i]));
    json_object *m = report_merge(shards, 2, err, errlen);
    json_object_put(shards[0]);
    json_object_put(shards[1]);
    json_object_put(suite);
    return m;
}

Test(reports_merge, modes)
{
    char err[256] = "";
    json_object *m = merge_modes("conformance", "conformance", err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    cr_expect_str_eq(json_object_get_string(json_object_object_get(m, "mode")), "conformance");
    json_object_put(m);
    /* a shard without "mode" ran in reference mode */
    cr_expect_null(merge_modes(NULL, "conformance", err, sizeof err));
    cr_expect_str_eq(err, "merge: shards ran in different modes: reference (shard 1) and "
                          "conformance (shard 2)");
}

/* ---- JSON writing ---------------------------------------------------------------- */

TestSuite(reports_json, .init = make_scratch, .fini = remove_scratch);

Test(reports_json, written_pretty_atomically_and_unescaped)
{
    json_object *suite = load_fixture();
    char err[256] = "";
    const char *path = scratch_file("report.json");
    cr_assert_eq(report_write_json(suite, path, err, sizeof err), 0, "%s", err);
    json_object *back = json_object_from_file(path);
    cr_assert_not_null(back);
    cr_expect(json_object_equal(back, suite));
    char *raw = slurp(path);
    cr_expect_not_null(strstr(raw, "\"/usr/bin/qemu-x86_64\""), "slashes escaped");
    cr_expect_not_null(strstr(raw, "\n  \"tool\""), "not pretty-printed");
    free(raw);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", scratch);
    cr_expect_eq(system(cmd), 0, "temporary file left behind");
    cr_expect_eq(report_write_json(suite, "/nonexistent-dir/r.json", err, sizeof err), -1);
    cr_expect_not_null(strstr(err, "/nonexistent-dir/r.json"), "err: %s", err);
    json_object_put(back);
    json_object_put(suite);
}

/* ---- text cleaning --------------------------------------------------------------- */

static void expect_clean(const char *in, size_t len, size_t limit, const char *want)
{
    char *got = text_clean(in, len, limit);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want);
    free(got);
}

Test(reports_text_clean, controls_and_escapes)
{
    expect_clean("a\tb\nc\rd", 7, 0, "a\tb\nc\rd");
    expect_clean("x\x01y\x7fz\x08", 6, 0, "xyz");
    expect_clean("nul\0byte", 8, 0, "nulbyte");
    expect_clean("\x1b[1;31mred\x1b[0m plain", 21, 0, "red plain");
    expect_clean("\x1b]0;title\x07" "after", 15, 0, "after");
    expect_clean("end\x1b", 4, 0, "end");
}

Test(reports_text_clean, utf8)
{
    static const char valid[] = "\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80"; /* e-acute, check, emoji */
    expect_clean(valid, sizeof valid - 1, 0, valid);
    expect_clean("\xff", 1, 0, "\xef\xbf\xbd");
    expect_clean("\xc0\xaf", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd");           /* overlong */
    expect_clean("\xed\xa0\x80", 3, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    expect_clean("\xf4\x90\x80\x80", 4, 0,
                 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");     /* > U+10FFFF */
    expect_clean("\xe2\x82", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd");           /* truncated */
    expect_clean("\xef\xbf\xbe", 3, 0, "\xef\xbf\xbd");                   /* U+FFFE */
}

Test(reports_text_clean, limit_cuts_at_a_character_boundary)
{
    /* "ab" then U+2713 (3 bytes) then "cd": a 4-byte limit would split the check mark */
    expect_clean("ab\xe2\x9c\x93" "cd", 7, 4, "ab\n[... 5 more bytes not shown]\n");
    expect_clean("abcdef", 6, 6, "abcdef");
}

Test(reports_text_clean, one_line)
{
    char *s = text_clean_line("  first\r\nsecond\tthird  \n");
    cr_expect_str_eq(s, "first second third");
    free(s);
}
