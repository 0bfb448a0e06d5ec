/* Case header parsing: every directive, both comment styles, and the errors that
 * must name the file and line. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "suite/case_manifest.h"

static case_manifest m;
static char err[512];

static int parse(const char *text, case_comment_style style)
{
    err[0] = '\0';
    return case_manifest_parse(text, strlen(text), style, "c.asm", &m, err, sizeof err);
}

static void cleanup(void)
{
    case_manifest_free(&m);
}

TestSuite(case_manifest, .fini = cleanup);

Test(case_manifest, asm_header_with_every_directive)
{
    const char *text =
        "; Return address overwritten before ret.\n"
        "; More prose that is not the description.\n"
        "; expect: violation shstk at=bad_ret reason=ret-mismatch target=evil\n"
        ";   options:  --on-violation=continue   --ibt=off\n"
        "; timeout: 2.5\n"
        "; needs: qemu>=8.1\n"
        "bits 64\n"
        "; expect: clean\n";
    cr_assert_eq(parse(text, CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_str_eq(m.description, "Return address overwritten before ret.");
    cr_assert_eq(m.kind, CASE_EXPECT_VIOLATION);
    cr_assert_eq(m.nviolations, 1);
    cr_assert_str_eq(m.violations[0].type, "shstk");
    cr_assert_str_eq(m.violations[0].at, "bad_ret");
    cr_assert_str_eq(m.violations[0].reason, "ret-mismatch");
    cr_assert_str_eq(m.violations[0].target, "evil");
    cr_assert_eq(m.nexpect, 1);
    cr_assert_str_eq(m.expect_lines[0],
                     "violation shstk at=bad_ret reason=ret-mismatch target=evil");
    cr_assert_eq(m.noptions, 2);
    cr_assert_str_eq(m.options[0], "--on-violation=continue");
    cr_assert_str_eq(m.options[1], "--ibt=off");
    cr_assert_float_eq(m.timeout_s, 2.5, 1e-9);
    cr_assert(m.has_needs_qemu);
    cr_assert_eq(m.needs_qemu_major, 8);
    cr_assert_eq(m.needs_qemu_minor, 1);
}

Test(case_manifest, c_header_and_defaults)
{
    const char *text = "\n"
                       "// expect: clean\n"
                       "//\n"
                       "// Calls through a pointer to an endbr64 function.\n"
                       "#include <stddef.h>\n";
    cr_assert_eq(parse(text, CASE_COMMENTS_C), 0, "%s", err);
    cr_assert_eq(m.kind, CASE_EXPECT_CLEAN);
    cr_assert_eq(m.exit_code, 0);
    cr_assert_str_eq(m.expect_lines[0], "clean exit=0", "reports show the canonical form");
    cr_assert_str_eq(m.description, "Calls through a pointer to an endbr64 function.");
    cr_assert_eq(m.timeout_s, 0, "no timeout: stated means the suite default");
    cr_assert_not(m.has_needs_qemu);
    cr_assert_eq(m.noptions, 0);
}

Test(case_manifest, c_comments_are_not_asm_comments)
{
    cr_assert_neq(parse("; expect: clean\n", CASE_COMMENTS_C), 0);
    cr_assert(strstr(err, "no expect:"), "%s", err);
}

Test(case_manifest, clean_with_exit_code)
{
    cr_assert_eq(parse("; expect: clean exit=42\n", CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_eq(m.exit_code, 42);
    cr_assert_str_eq(m.expect_lines[0], "clean exit=42");
}

Test(case_manifest, violations_repeat_in_order)
{
    const char *text = "; expect: violation ibt at=first\n"
                       "; expect: violation shstk at=second reason=ret-underflow\n";
    cr_assert_eq(parse(text, CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_eq(m.nviolations, 2);
    cr_assert_str_eq(m.violations[0].type, "ibt");
    cr_assert_str_eq(m.violations[0].at, "first");
    cr_assert_null(m.violations[0].reason);
    cr_assert_null(m.violations[0].target);
    cr_assert_str_eq(m.violations[1].at, "second");
    cr_assert_str_eq(m.violations[1].reason, "ret-underflow");
    cr_assert_eq(m.nexpect, 2);
}

Test(case_manifest, crash_and_signaled_normalise_signal_names)
{
    cr_assert_eq(parse("; expect: crash signal=SEGV\n", CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_eq(m.kind, CASE_EXPECT_CRASH);
    cr_assert_str_eq(m.signal, "SIGSEGV");
    cr_assert_str_eq(m.expect_lines[0], "crash signal=SIGSEGV");
    case_manifest_free(&m);
    cr_assert_eq(parse("// expect: signaled signal=sigusr1\n", CASE_COMMENTS_C), 0, "%s", err);
    cr_assert_eq(m.kind, CASE_EXPECT_SIGNALED);
    cr_assert_str_eq(m.signal, "SIGUSR1");
}

Test(case_manifest, capitalised_prose_with_colon_is_free_text)
{
    const char *text = "; Note: this looks like a directive but is prose.\n"
                       "; See http://example.org/x for the background.\n"
                       "; expect: clean\n";
    cr_assert_eq(parse(text, CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_str_eq(m.description, "Note: this looks like a directive but is prose.");
}

Test(case_manifest, options_accumulate_over_lines)
{
    const char *text = "; options: --a\n; options: --b c\n; expect: clean\n";
    cr_assert_eq(parse(text, CASE_COMMENTS_ASM), 0, "%s", err);
    cr_assert_eq(m.noptions, 3);
    cr_assert_str_eq(m.options[2], "c");
}

/* Each bad header: the expected line number and a phrase of the message. */
static const struct {
    const char *text;
    const char *where;
    const char *phrase;
} bad_headers[] = {
    {"; desc\n; expecs: clean\n", "c.asm:2:", "unknown directive 'expecs:'"},
    {"; expect: violation cet at=x\n", "c.asm:1:", "unknown violation type 'cet'"},
    {"; expect: violation ibt\n", "c.asm:1:", "needs at=LABEL"},
    {"; expect: violation ibt reason=ret-mismatch\n", "c.asm:1:", "needs at=LABEL"},
    {"; expect: violation at=x\n", "c.asm:1:", "needs a type"},
    {"; expect: violation ibt at=x reason=oops\n", "c.asm:1:", "unknown violation reason"},
    {"; expect: violation ibt at=x colour=red\n", "c.asm:1:", "unknown violation field"},
    {"; expect: violation ibt at=x at=y\n", "c.asm:1:", "at= given twice"},
    {"; expect: clean\n;\n; expect: clean\n", "c.asm:3:", "second expect: clean"},
    {"; expect: clean\n; expect: violation ibt at=x\n", "c.asm:2:", "conflicts"},
    {"; expect: crash signal=SEGV\n; expect: clean\n", "c.asm:2:", "conflicts"},
    {"; just prose\n", "c.asm:1:", "no expect:"},
    {"; expect: clean exit=abc\n", "c.asm:1:", "bad exit code 'abc'"},
    {"; expect: clean exit=256\n", "c.asm:1:", "bad exit code '256'"},
    {"; expect: clean exit=-1\n", "c.asm:1:", "bad exit code '-1'"},
    {"; expect: clean code=1\n", "c.asm:1:", "only exit=N"},
    {"; expect: crash signal=SIGNOPE\n", "c.asm:1:", "unknown signal 'SIGNOPE'"},
    {"; expect: crash\n", "c.asm:1:", "signal=NAME"},
    {"; expect: explode\n", "c.asm:1:", "unknown expectation 'explode'"},
    {"; expect:\n", "c.asm:1:", "empty expect:"},
    {"; expect: clean\n; timeout: 0\n", "c.asm:2:", "bad timeout '0'"},
    {"; expect: clean\n; timeout: 3s\n", "c.asm:2:", "bad timeout '3s'"},
    {"; expect: clean\n; timeout: 1\n; timeout: 2\n", "c.asm:3:", "second timeout:"},
    {"; expect: clean\n; needs: qemu>=eight\n", "c.asm:2:", "bad needs:"},
    {"; expect: clean\n; needs: kernel>=6.6\n", "c.asm:2:", "bad needs:"},
    {"; expect: clean\n; options: --x -- y\n", "c.asm:2:", "'--'"},
};

Test(case_manifest, errors_name_file_line_and_problem)
{
    for (size_t i = 0; i < sizeof bad_headers / sizeof *bad_headers; i++) {
        int rc = parse(bad_headers[i].text, CASE_COMMENTS_ASM);
        cr_expect_neq(rc, 0, "accepted: %s", bad_headers[i].text);
        cr_expect(strncmp(err, bad_headers[i].where, strlen(bad_headers[i].where)) == 0,
                  "header %zu: '%s' does not start with %s", i, err, bad_headers[i].where);
        cr_expect(strstr(err, bad_headers[i].phrase), "header %zu: '%s' lacks '%s'", i, err,
                  bad_headers[i].phrase);
        cr_expect_eq(m.nexpect, 0, "a failed parse leaves the manifest empty");
        case_manifest_free(&m);
    }
}

Test(case_manifest, embedded_nul_is_rejected)
{
    const char text[] = "; expect: clean\n\0junk";
    cr_assert_neq(case_manifest_parse(text, sizeof text - 1, CASE_COMMENTS_ASM, "c.asm", &m,
                                      err, sizeof err), 0);
}

Test(case_manifest, load_picks_comment_style_by_extension)
{
    char path[] = "/tmp/manifest-test-XXXXXX.c";
    int fd = mkstemps(path, 2);
    cr_assert_geq(fd, 0);
    const char *text = "// A C case.\n// expect: signaled signal=ABRT\nint main(void);\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = case_manifest_load(path, &m, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_str_eq(m.signal, "SIGABRT");
    cr_assert_str_eq(m.description, "A C case.");
}

Test(case_manifest, load_reports_missing_file_and_wrong_extension)
{
    cr_assert_neq(case_manifest_load("/nonexistent/x.asm", &m, err, sizeof err), 0);
    cr_assert(strstr(err, "/nonexistent/x.asm"), "%s", err);
    cr_assert_neq(case_manifest_load("README.md", &m, err, sizeof err), 0);
    cr_assert(strstr(err, "not a case source"), "%s", err);
}

Test(case_manifest, signal_names_both_ways)
{
    char buf[32];
    cr_assert_eq(case_signal_number("SEGV"), SIGSEGV);
    cr_assert_eq(case_signal_number("SIGILL"), SIGILL);
    cr_assert_eq(case_signal_number("sigtrap"), SIGTRAP);
    cr_assert_eq(case_signal_number("NOPE"), -1);
    cr_assert_eq(case_signal_number(""), -1);
    cr_assert_str_eq(case_signal_name(SIGKILL, buf, sizeof buf), "SIGKILL");
    cr_assert_str_eq(case_signal_name(999, buf, sizeof buf), "signal 999");
}
