/* The trace engine (--engine=trace): QEMU's own log instead of stops.  The corpus gives
 * the same verdicts as under the RSP engine (cases that need the exact engine say so in
 * their headers and run with it); glibc programs with threads computing at once run to
 * their end, and a violation in one of them is reported in that thread (fork and exec:
 * test_exec_fork.c). */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

enum { REPEATS = 10 };   /* the mix-up trace_stopped.c ends showed in 1 run of 80 */

Test(trace_engine, corpus_gives_the_rsp_engines_verdicts)
{
    assert_corpus_passes_under("trace", 90);
}

Test(trace_engine, four_threads_computing_at_once_run_clean_to_their_end)
{
    assert_threads4_runs_clean_under("trace", REPEATS);
}

/* A thread's exit printed while the main thread waits in futex: QEMU 9.1 and older name
 * the process in both calls, and the exit once went to the main thread, whose later
 * returns were then warned of as returns on an empty shadow stack. */
Test(trace_engine, a_thread_exiting_while_another_waits_ends_only_itself)
{
    static const char *const cases[] = {"c/thread", "threads/thread-calls-returns"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int i = 0; i < REPEATS; i++) {
            harness_result r;
            const char *args[] = {"--engine=trace", "--", corpus_path(cases[c]), NULL};
            run_harness(&r, NULL, args);
            cr_assert_not_null(r.json, "%s: stderr: %s", cases[c], r.stderr_text);
            cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 0, "%s", cases[c]);
            cr_assert_eq(json_object_array_length(json_at(r.json, "warnings")), 0, "%s run %d: %s",
                         cases[c], i, r.stderr_text);
            cr_assert_eq(json_int(r.json, "exit.code"), 0, "%s", cases[c]);
            harness_result_free(&r);
        }
    }
}

/* QEMU 7.2's log names no thread ids, so only the thread's number is checked. */
Test(trace_engine, a_violation_in_the_third_worker_is_reported_in_its_thread)
{
    assert_threads4_smash_is_found_in_its_thread("trace", REPEATS, false);
}

/* The same violation report whichever engine ran: a glibc program (PIE, libc mapped by
 * the loader) names the code in libc the same way. */
Test(trace_engine, reports_name_library_code_as_the_rsp_engine_does)
{
    static const char *const fields[] = {"violations[0].reason", "violations[0].pc_symbol",
                                         "violations[0].target_symbol",
                                         "violations[0].expected_symbol",
                                         "violations[0].shadow_stack_symbols[2]"};
    assert_reports_match_rsp("trace", fields, sizeof fields / sizeof *fields);
}
