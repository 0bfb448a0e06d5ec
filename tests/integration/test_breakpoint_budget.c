/* Dropping every breakpoint when the live set outgrows its budget must not change a
 * single verdict: the whole corpus, flushed at every breakpoint stop, and a dynamically
 * linked glibc program, flushed whenever more than 64 are live. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

static int64_t total_flushes(json_object *suite)
{
    int64_t flushes = 0;
    json_object *cases = json_at(suite, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *stats = json_at(json_object_array_get_idx(cases, i), "run.stats");
        json_object *f;
        if (stats && json_object_object_get_ex(stats, "breakpoint_flushes", &f))
            flushes += json_object_get_int64(f);
    }
    return flushes;
}

/* No Criterion timeout: the suite bounds each case itself, and a timeout makes
 * Criterion 2.4 leak in its runner, which fails the run under LeakSanitizer. */
Test(breakpoint_budget, corpus_passes_with_a_flush_at_every_breakpoint_stop)
{
    char corpus[1024];
    snprintf(corpus, sizeof corpus, "%s", corpus_path(""));
    const char *build_dir = dirname(corpus);    /* "build/corpus/" -> "build" */
    const char *args[] = {"--build-dir", build_dir, "-j", "2", "--run-option=--breakpoint-budget=1", NULL};
    harness_result r;
    run_cetharness(&r, "suite", NULL, args);
    cr_assert_not_null(r.json, "the suite wrote no JSON; stderr: %s", r.stderr_text);
    cr_assert_eq(json_int(r.json, "counts.failed"), 0, "stderr: %s", r.stderr_text);
    cr_assert_eq(json_int(r.json, "counts.errors"), 0, "stderr: %s", r.stderr_text);
    cr_assert_geq(json_int(r.json, "counts.passed"), 100);
    cr_assert_eq(r.status, 0);
    cr_assert_gt(total_flushes(r.json), 1000, "the budget of 1 flushed only %lld times",
                 (long long)total_flushes(r.json));
    harness_result_free(&r);
}

Test(breakpoint_budget, a_glibc_program_keeps_its_verdict_when_flushed)
{
    harness_result plain, flushed;
    const char *plain_args[] = {"--ibt=off", "--", prog_path("qsort-smash"), NULL};
    const char *flushed_args[] = {"--ibt=off", "--breakpoint-budget", "64", "--", prog_path("qsort-smash"), NULL};
    run_harness(&plain, NULL, plain_args);
    run_harness(&flushed, NULL, flushed_args);
    cr_assert_not_null(plain.json, "stderr: %s", plain.stderr_text);
    cr_assert_not_null(flushed.json, "stderr: %s", flushed.stderr_text);
    cr_assert_gt(json_int(flushed.json, "stats.breakpoint_flushes"),
                 json_int(plain.json, "stats.breakpoint_flushes") + 5, "a budget of 64 flushed %lld times",
                 (long long)json_int(flushed.json, "stats.breakpoint_flushes"));
    cr_assert_eq(flushed.status, plain.status);
    cr_assert_str_eq(json_str(flushed.json, "violations[0].reason"), "ret-mismatch");
    /* By symbol: QEMU 10 and later place libraries at new addresses on every run. */
    cr_assert_str_eq(json_str(flushed.json, "violations[0].pc_symbol"),
                     json_str(plain.json, "violations[0].pc_symbol"));
    cr_assert_str_eq(json_str(flushed.json, "violations[0].expected_symbol"),
                     json_str(plain.json, "violations[0].expected_symbol"));
    cr_assert_eq(json_int(flushed.json, "stats.calls"), json_int(plain.json, "stats.calls"));
    harness_result_free(&plain);
    harness_result_free(&flushed);
}
