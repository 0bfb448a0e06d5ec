/* Judging runs against expectations, with hand-made run JSON and a label table
 * in place of an ELF file. */
#include <criterion/criterion.h>
#include <string.h>

#include "suite/case_verdict.h"

typedef struct label_row {
    const char *name;
    uint64_t addr, size;
} label_row;

static const label_row labels_table[] = {
    {"do_call", 0x401012, 0},
    {"bad_ret", 0x401020, 0},
    {"evil", 0x401080, 0},
    {"handler", 0x401100, 0x40},   /* a C function: containment */
    {"f", 0x1000, 0x20},           /* in the PIE tests */
    {"f_ret", 0x1010, 0},
};

static bool table_lookup(void *ctx, const char *label, uint64_t *addr, uint64_t *size)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof labels_table / sizeof *labels_table; i++) {
        if (strcmp(labels_table[i].name, label) == 0) {
            *addr = labels_table[i].addr;
            *size = labels_table[i].size;
            return true;
        }
    }
    return false;
}

static const label_resolver labels = {.lookup = table_lookup};
static case_manifest m;
static json_object *run;
static case_verdict v;

static void cleanup(void)
{
    case_manifest_free(&m);
    json_object_put(run);
    run = NULL;
}

TestSuite(case_verdict, .fini = cleanup);

static void judge(const char *header, const char *run_json)
{
    char err[256];
    case_manifest_free(&m);
    json_object_put(run);
    cr_assert_eq(case_manifest_parse(header, strlen(header), CASE_COMMENTS_ASM, "t.asm", &m, err,
                                     sizeof err), 0, "%s", err);
    run = run_json ? json_tokener_parse(run_json) : NULL;
    cr_assert(run || !run_json, "bad test JSON: %s", run_json);
    case_verdict_judge(&m, run, &labels, &v);
}

#define EXITED(code) "\"exit\": {\"status\": \"exited\", \"code\": " #code "}"
#define VIOLATION(type, reason, pc, sym, target) \
    "{\"type\": \"" type "\", \"reason\": \"" reason "\", \"pc\": \"" pc "\", " \
    "\"pc_symbol\": \"" sym "\", \"target\": \"" target "\"}"

Test(case_verdict, clean_exit_passes)
{
    judge("; expect: clean\n", "{" EXITED(0) ", \"violations\": [], \"crash\": null}");
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    cr_assert_str_eq(v.observed, "clean exit=0");
    cr_assert_str_eq(v.message, "");
}

Test(case_verdict, clean_with_other_exit_code_fails)
{
    judge("; expect: clean exit=2\n", "{" EXITED(3) ", \"violations\": []}");
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert_str_eq(v.message, "expected clean exit=2, observed clean exit=3");
}

Test(case_verdict, clean_expected_but_violation_observed)
{
    judge("; expect: clean\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("ibt", "missing-endbranch", "0x401012",
                                                       "do_call", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert_str_eq(v.observed, "violation ibt missing-endbranch at do_call (0x401012)");
    cr_assert_str_eq(v.message, "expected clean exit=0, observed violation ibt "
                                "missing-endbranch at do_call (0x401012)");
}

Test(case_verdict, violation_at_exact_label_passes)
{
    judge("; expect: violation shstk at=bad_ret reason=ret-mismatch target=evil\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("shstk", "ret-mismatch", "0x401020",
                                                       "bad_ret", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    cr_assert_str_eq(v.observed, "violation shstk ret-mismatch at bad_ret (0x401020)");
}

Test(case_verdict, zero_size_label_needs_the_exact_address)
{
    judge("; expect: violation shstk at=bad_ret\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("shstk", "ret-mismatch", "0x401021",
                                                       "bad_ret+0x1", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert(strstr(v.message, "violation 1: pc 0x401021 is not at bad_ret"), "%s", v.message);
}

Test(case_verdict, sized_symbol_contains_the_pc)
{
    judge("; expect: violation ibt at=handler\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("ibt", "missing-endbranch", "0x40113f",
                                                       "handler+0x3f", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    judge("; expect: violation ibt at=handler\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("ibt", "missing-endbranch", "0x401140",
                                                       "", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_FAIL, "one past the end is outside");
}

Test(case_verdict, type_reason_and_target_must_match)
{
    const char *ret = "{" EXITED(1) ", \"violations\": [" VIOLATION(
        "shstk", "ret-mismatch", "0x401020", "bad_ret", "0x401081") "]}";
    judge("; expect: violation ibt at=bad_ret\n", ret);
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert(strstr(v.message, "type shstk, expected ibt"), "%s", v.message);
    judge("; expect: violation shstk at=bad_ret reason=ret-underflow\n", ret);
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert(strstr(v.message, "reason ret-mismatch, expected ret-underflow"), "%s", v.message);
    judge("; expect: violation shstk at=bad_ret target=evil\n", ret);
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert(strstr(v.message, "target 0x401081 is not at evil"), "%s", v.message);
}

Test(case_verdict, count_and_order_of_violations_matter)
{
    const char *two = "{" EXITED(1) ", \"violations\": ["
        VIOLATION("ibt", "missing-endbranch", "0x401012", "do_call", "0x401080") ", "
        VIOLATION("shstk", "ret-mismatch", "0x401020", "bad_ret", "0x401080") "]}";
    judge("; expect: violation ibt at=do_call\n; expect: violation shstk at=bad_ret\n", two);
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    cr_assert_str_eq(v.observed, "violation ibt missing-endbranch at do_call (0x401012); "
                                 "violation shstk ret-mismatch at bad_ret (0x401020)");
    judge("; expect: violation shstk at=bad_ret\n; expect: violation ibt at=do_call\n", two);
    cr_assert_eq(v.status, VERDICT_FAIL, "swapped order");
    judge("; expect: violation ibt at=do_call\n", two);
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert(strstr(v.message, "1 violation expected, 2 observed"), "%s", v.message);
    judge("; expect: violation ibt at=do_call\n", "{" EXITED(0) ", \"violations\": []}");
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert_str_eq(v.message, "expected violation ibt at=do_call, observed clean exit=0 "
                                "(1 violation expected, 0 observed)");
}

Test(case_verdict, unknown_label_is_an_error)
{
    judge("; expect: violation ibt at=no_such_label\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("ibt", "missing-endbranch", "0x401012",
                                                       "do_call", "0x401080") "]}");
    cr_assert_eq(v.status, VERDICT_ERROR);
    cr_assert(strstr(v.message, "no_such_label"), "%s", v.message);
}

Test(case_verdict, pie_bias_comes_from_the_reported_symbol)
{
    judge("; expect: violation shstk at=f_ret\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("shstk", "ret-mismatch",
                                                       "0x555555555010", "f+0x10",
                                                       "0x555555555000") "]}");
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    judge("; expect: violation shstk at=f_ret\n",
          "{" EXITED(1) ", \"violations\": [" VIOLATION("shstk", "ret-mismatch",
                                                       "0x555555555014", "f+0x14",
                                                       "0x555555555000") "]}");
    cr_assert_eq(v.status, VERDICT_FAIL);
}

static const char *segv_run =
    "{\"exit\": {\"status\": \"signaled\", \"code\": null, \"signal\": 11, "
    "\"signal_name\": \"SIGSEGV\"}, \"violations\": [], "
    "\"crash\": {\"signal\": 11, \"signal_name\": \"SIGSEGV\", \"pc\": \"0x401005\", "
    "\"pc_symbol\": \"f+0x5\"}}";

Test(case_verdict, crash_matches_signal_with_or_without_sig_prefix)
{
    judge("; expect: crash signal=SEGV\n", segv_run);
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    cr_assert_str_eq(v.observed, "crash SIGSEGV at 0x401005 <f+0x5>");
    judge("; expect: crash signal=SIGILL\n", segv_run);
    cr_assert_eq(v.status, VERDICT_FAIL);
    cr_assert_str_eq(v.message,
                     "expected crash signal=SIGILL, observed crash SIGSEGV at 0x401005 <f+0x5>");
    judge("; expect: clean\n", segv_run);
    cr_assert_eq(v.status, VERDICT_FAIL);
}

Test(case_verdict, signaled_by_name_only)
{
    const char *abrt = "{\"exit\": {\"status\": \"signaled\", \"signal_name\": \"SIGABRT\"}, "
                       "\"violations\": [], \"crash\": null}";
    judge("; expect: signaled signal=ABRT\n", abrt);
    cr_assert_eq(v.status, VERDICT_PASS, "%s", v.message);
    cr_assert_str_eq(v.observed, "signaled SIGABRT");
    judge("; expect: signaled signal=ABRT\n", "{" EXITED(0) ", \"violations\": []}");
    cr_assert_eq(v.status, VERDICT_FAIL);
}

Test(case_verdict, unfinished_runs_are_errors)
{
    judge("; expect: clean\n", "{\"exit\": {\"status\": \"timeout\"}, \"violations\": []}");
    cr_assert_eq(v.status, VERDICT_ERROR);
    cr_assert_str_eq(v.message, "timed out");
    judge("; expect: clean\n", "{\"exit\": {\"status\": \"error\", \"message\": "
                               "\"qemu-x86_64: not found\"}, \"violations\": []}");
    cr_assert_eq(v.status, VERDICT_ERROR);
    cr_assert_str_eq(v.message, "harness error: qemu-x86_64: not found");
    judge("; expect: clean\n", "{\"violations\": []}");
    cr_assert_eq(v.status, VERDICT_ERROR);
    judge("; expect: clean\n", NULL);
    cr_assert_eq(v.status, VERDICT_ERROR);
    cr_assert_str_eq(v.observed, "no run JSON");
}

Test(case_verdict, status_names)
{
    cr_assert_str_eq(verdict_status_name(VERDICT_PASS), "pass");
    cr_assert_str_eq(verdict_status_name(VERDICT_FAIL), "fail");
    cr_assert_str_eq(verdict_status_name(VERDICT_ERROR), "error");
}
