/* cetharness run against the real QEMU on corpus programs: each test checks, in the
 * JSON report, the fields a user relies on for one CET rule (kind, reason, the
 * faulting instruction's address and symbol, target, expected value, thread). */
#include "guest/elf_facts.h"
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

static void run_case(harness_result *r, const char *case_name, const char *option)
{
    const char *with_option[] = {option, "--", corpus_path(case_name), NULL};
    const char *plain[] = {"--", corpus_path(case_name), NULL};
    run_harness(r, NULL, option ? with_option : plain);
    cr_assert_not_null(r->json, "%s wrote no JSON; stderr: %s", case_name, r->stderr_text);
}

static size_t violation_count(const harness_result *r)
{
    return json_object_array_length(json_at(r->json, "violations"));
}

static void assert_clean(const char *case_name, int exit_code)
{
    harness_result r;
    run_case(&r, case_name, NULL);
    cr_assert_eq(violation_count(&r), 0, "%s: unexpected violation %s", case_name,
                 json_str(r.json, "violations[0].reason"));
    cr_assert_str_eq(json_str(r.json, "exit.status"), "exited", "%s", case_name);
    cr_assert_eq(json_int(r.json, "exit.code"), exit_code, "%s", case_name);
    cr_assert_eq(r.status, exit_code, "%s: harness exit status", case_name);
    harness_result_free(&r);
}

/* One violation of this kind at the symbol `at`; the caller checks more if it likes. */
static void assert_violation(harness_result *r, const char *case_name, const char *option,
                             const char *type, const char *reason, const char *at)
{
    run_case(r, case_name, option);
    cr_assert_eq(r->status, 1, "%s: exit status %d, stderr %s", case_name, r->status, r->stderr_text);
    cr_assert_geq(violation_count(r), 1, "%s: no violation", case_name);
    cr_assert_str_eq(json_str(r->json, "violations[0].type"), type, "%s", case_name);
    cr_assert_str_eq(json_str(r->json, "violations[0].reason"), reason, "%s", case_name);
    cr_assert_eq(json_hex(r->json, "violations[0].pc"), symbol_address(corpus_path(case_name), at),
                 "%s: pc", case_name);
    cr_assert_str_eq(json_str(r->json, "violations[0].pc_symbol"), at, "%s", case_name);
}

Test(shadow_stack, overwritten_return_address_is_caught_at_the_ret)
{
    harness_result r;
    assert_violation(&r, "shstk/overwrite-ret", NULL, "shstk", "ret-mismatch", "bad_ret");
    uint64_t target = json_hex(r.json, "violations[0].target");
    uint64_t expected = json_hex(r.json, "violations[0].expected");
    cr_assert_neq(target, expected);
    cr_assert_eq(json_hex(r.json, "violations[0].shadow_stack[0]"), expected,
                 "the shadow stack's top is the expected return address");
    cr_assert_str_eq(json_str(r.json, "violations[0].insn"), "ret");
    cr_assert_not_null(strstr(r.stderr_text, "shadow-stack violation"), "console report: %s", r.stderr_text);
    harness_result_free(&r);
}

Test(shadow_stack, call_with_zero_displacement_is_not_pushed)
{
    assert_clean("shstk/call-zero-disp", 0);
}

Test(shadow_stack, call_pop_with_nonzero_displacement_is_pushed)
{
    harness_result r;
    assert_violation(&r, "shstk/call-pop-nonzero-disp", NULL, "shstk", "ret-mismatch", "bad_ret");
    harness_result_free(&r);
}

Test(shadow_stack, shstk_off_makes_a_mismatch_clean)
{
    harness_result r;
    run_case(&r, "shstk/overwrite-ret", "--shstk=off");
    cr_assert_eq(violation_count(&r), 0);
    cr_assert_eq(json_int(r.json, "exit.code"), 99, "the corrupted return ran, as without CET");
    harness_result_free(&r);
}

Test(shadow_stack, far_ret_with_tampered_rip_mismatches)
{
    harness_result r;
    assert_violation(&r, "shstk/far-ret-tampered-rip", NULL, "shstk", "far-ret-mismatch", "bad_retf");
    harness_result_free(&r);
}

Test(ibt, endbr64_bytes_inside_an_immediate_are_a_landing_pad)
{
    assert_clean("ibt/endbr-in-immediate", 0);
}

Test(ibt, notrack_call_needs_no_endbr)
{
    assert_clean("ibt/notrack-call-no-endbr", 0);
}

Test(ibt, endbr32_does_not_count_in_64_bit_mode)
{
    harness_result r;
    assert_violation(&r, "ibt/call-reg-endbr32", NULL, "ibt", "missing-endbranch", "bad_call");
    cr_assert_eq(json_hex(r.json, "violations[0].target"),
                 symbol_address(corpus_path("ibt/call-reg-endbr32"), "target"));
    cr_assert_str_eq(json_str(r.json, "violations[0].target_insn"), "endbr32");
    harness_result_free(&r);
}

Test(ibt, indirect_call_to_code_without_endbr)
{
    harness_result r;
    assert_violation(&r, "ibt/call-reg-no-endbr", NULL, "ibt", "missing-endbranch", "bad_call");
    cr_assert_str_eq(json_str(r.json, "violations[0].target_symbol"), "target");
    cr_assert_null(json_at(r.json, "violations[0].expected"), "IBT has no expected value");
    harness_result_free(&r);
}

Test(ibt, ibt_off_makes_the_same_call_clean)
{
    harness_result r;
    run_case(&r, "ibt/call-reg-no-endbr", "--ibt=off");
    cr_assert_eq(violation_count(&r), 0);
    harness_result_free(&r);
}

Test(ibt, far_call_is_tracked)
{
    harness_result r;
    assert_violation(&r, "ibt/far-call-no-endbr", NULL, "ibt", "missing-endbranch", "bad_far_call");
    harness_result_free(&r);
}

Test(ibt, continue_mode_records_every_violation)
{
    harness_result r;
    run_case(&r, "ibt/two-violations-continue", "--on-violation=continue");
    cr_assert_eq(violation_count(&r), 2);
    cr_assert_str_eq(json_str(r.json, "violations[0].pc_symbol"), "bad_call1");
    cr_assert_str_eq(json_str(r.json, "violations[1].pc_symbol"), "bad_call2");
    cr_assert_str_eq(json_str(r.json, "exit.status"), "exited", "the guest ran to its end");
    harness_result_free(&r);
}

Test(ibt, signal_mode_delivers_sigsegv_to_the_guest)
{
    harness_result r;
    run_case(&r, "ibt/call-reg-no-endbr", "--on-violation=signal");
    cr_assert_eq(violation_count(&r), 1);
    cr_assert_str_eq(json_str(r.json, "exit.status"), "signaled");
    cr_assert_eq(json_int(r.json, "exit.signal"), 11);
    cr_assert_null(json_at(r.json, "crash"), "a SIGSEGV the harness delivered is no crash");
    harness_result_free(&r);
}

Test(ssp, rdssp_reports_a_live_shadow_stack)
{
    assert_clean("ssp/rdssp-on", 42);
}

Test(ssp, incssp_255_unwinds)
{
    assert_clean("ssp/incssp-255", 0);
}

Test(ssp, longjmp_with_incssp_is_clean)
{
    assert_clean("ssp/longjmp-3-frames", 0);
}

Test(ssp, longjmp_without_incssp_mismatches_later)
{
    harness_result r;
    assert_violation(&r, "ssp/longjmp-no-incssp", NULL, "shstk", "ret-mismatch", "main_ret");
    harness_result_free(&r);
}

Test(ssp, rstorssp_and_saveprevssp_switch_stacks)
{
    assert_clean("ssp/stack-switch", 0);
}

/* map_shadow_stack at an address the guest already uses answers EEXIST (the case exits 17
 * when it does), and the harness's mapping refused there is that answer, not a warning. */
Test(ssp, map_shadow_stack_on_taken_memory_answers_eexist_quietly)
{
    harness_result r;
    run_case(&r, "ssp/map-shadow-stack-hint-taken", NULL);
    cr_assert_eq(json_int(r.json, "exit.code"), 17, "stderr: %s", r.stderr_text);
    cr_assert_eq(json_object_array_length(json_at(r.json, "warnings")), 0, "%s", r.stderr_text);
    harness_result_free(&r);
}

Test(ssp, rstorssp_rejects_a_forged_token)
{
    harness_result r;
    assert_violation(&r, "ssp/rstorssp-forged-token", NULL, "shstk", "rstorssp-token", "bad_rstorssp");
    harness_result_free(&r);
}

Test(signals, handler_returns_through_the_signal_frame)
{
    assert_clean("signals/handler-returns", 0);
}

Test(signals, nested_signals_are_clean)
{
    assert_clean("signals/nested-signals", 0);
}

Test(signals, handler_that_corrupts_its_return)
{
    harness_result r;
    assert_violation(&r, "signals/handler-corrupts-return", NULL, "shstk", "ret-mismatch", "handler_ret");
    harness_result_free(&r);
}

Test(threads, violation_in_a_second_thread_is_attributed_to_it)
{
    harness_result r;
    assert_violation(&r, "threads/thread-violation", NULL, "shstk", "ret-mismatch", "thread_bad_ret");
    cr_assert_eq(json_int(r.json, "violations[0].thread"), 2);
    cr_assert_gt(json_int(r.json, "violations[0].tid"), 0);
    harness_result_free(&r);
}

Test(threads, threads_are_numbered_in_order_of_appearance)
{
    harness_result r;
    /* main is thread 1, a clean worker thread 2, the violating worker thread 3. */
    assert_violation(&r, "threads/second-thread-violation", NULL, "shstk", "ret-mismatch", "bad_ret");
    cr_assert_eq(json_int(r.json, "violations[0].thread"), 3);
    harness_result_free(&r);
}

Test(jit, code_rewritten_between_two_calls_is_checked_as_it_runs)
{
    harness_result r;
    run_case(&r, "jit/jit-rewrite-drop-endbr", NULL);
    cr_assert_eq(violation_count(&r), 1, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "violations[0].pc_symbol"), "jit_call2",
                     "the first call (to ENDBR64) passed, the second (after the rewrite) did not");
    harness_result_free(&r);
}

Test(crash, plain_sigsegv_is_a_crash_not_a_violation)
{
    harness_result r;
    run_case(&r, "crash/null-deref", NULL);
    cr_assert_eq(violation_count(&r), 0);
    cr_assert_eq(r.status, 128 + 11);
    cr_assert_eq(json_int(r.json, "crash.signal"), 11);
    cr_assert_str_eq(json_str(r.json, "crash.signal_name"), "SIGSEGV");
    harness_result_free(&r);
}

/* QEMU's stub cannot serve two threads that stop at once.  Whatever the interleaving,
 * the harness must end the run, either with the program's own clean result or with an
 * error that says why; never hang, crash, or report a violation that is not there. */
Test(threads, concurrent_glibc_threads_finish_or_say_why)
{
    harness_result r;
    const char *args[] = {"--ibt=off", "--timeout", "60", "--", prog_path("pthreads"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "no JSON; stderr: %s", r.stderr_text);
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 0,
                 "a violation in a clean program: %s", json_str(r.json, "violations[0].reason"));
    const char *status = json_str(r.json, "exit.status");
    if (strcmp(status, "exited") == 0) {
        cr_assert_eq(r.status, 0, "the threads computed wrong sums; stderr: %s", r.stderr_text);
    } else if (strcmp(status, "signaled") == 0) {
        /* A crash the harness may have caused (a register write that QEMU applied to the
         * other stopped thread) must carry the warning that says so. */
        cr_assert_not_null(strstr(json_str(r.json, "warnings[0]"), "may be the harness's doing"),
                           "a crash without the warning; stderr: %s", r.stderr_text);
    } else {
        cr_assert_str_eq(status, "error", "stderr: %s", r.stderr_text);
        cr_assert_eq(r.status, 125);
        cr_assert_not_null(strstr(json_str(r.json, "exit.message"), "stopping at once"),
                           "the error does not say why: %s", json_str(r.json, "exit.message"));
        cr_assert_not_null(strstr(json_str(r.json, "exit.message"), "--engine=plugin"),
                           "the error names no way out: %s", json_str(r.json, "exit.message"));
    }
    cr_assert_not(process_running(prog_path("pthreads")), "QEMU left running");
    harness_result_free(&r);
}

/* Reports name code outside the program: shared libraries from the guest's own mmap
 * calls, by symbol where the library exports one, else by library and offset. */
static bool any_entry_has(json_object *symbols, const char *a, const char *b)
{
    for (size_t i = 0; i < json_object_array_length(symbols); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(symbols, i));
        if (s && strstr(s, a) && strstr(s, b))
            return true;
    }
    return false;
}

Test(symbols, frames_in_shared_libraries_are_named_by_library)
{
    harness_result r;
    const char *args[] = {"--ibt=off", "--", prog_path("qsort-smash"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_eq(r.status, 1, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "violations[0].reason"), "ret-mismatch");
    cr_assert_eq(strncmp(json_str(r.json, "violations[0].pc_symbol"), "compare+", 8), 0,
                 "pc_symbol %s", json_str(r.json, "violations[0].pc_symbol"));
    cr_assert_str_eq(json_str(r.json, "violations[0].target_symbol"), "hijacked");
    cr_assert_not_null(strstr(json_str(r.json, "violations[0].expected_symbol"), "libc.so.6"),
                       "the comparator returns into libc: %s",
                       json_str(r.json, "violations[0].expected_symbol"));
    json_object *syms = json_at(r.json, "violations[0].shadow_stack_symbols");
    cr_assert(any_entry_has(syms, "qsort", " in libc.so.6"), "no qsort frame: %s", r.stderr_text);
    cr_assert(any_entry_has(syms, "main+", ""), "no main frame: %s", r.stderr_text);
    harness_result_free(&r);
}

/* Debian 12's loader is not CET-built; a distribution whose glibc is (Ubuntu 24.04)
 * marks its loader and gives it ENDBR64 everywhere. */
static bool loader_is_marked(bool *ibt, bool *shstk)
{
    elf_facts f;
    char err[512];
    cr_assert_eq(elf_facts_load("/lib64/ld-linux-x86-64.so.2", &f, err, sizeof err), 0, "%s", err);
    *ibt = f.prop_ibt;
    *shstk = f.prop_shstk;
    elf_facts_free(&f);
    return *ibt || *shstk;
}

Test(symbols, code_in_the_dynamic_loader_is_named_by_it)
{
    bool ibt, shstk;
    if (loader_is_marked(&ibt, &shstk))
        cr_skip_test("this loader is CET-built: no IBT violation in it to name");
    harness_result r;
    /* Debian 12's ld.so is not CET-built: its jump to the program lacks an ENDBR64. */
    const char *args[] = {"--", prog_path("qsort-smash"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_eq(r.status, 1, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "violations[0].type"), "ibt");
    cr_assert_not_null(strstr(json_str(r.json, "violations[0].pc_symbol"), "ld-linux-x86-64.so.2"),
                       "pc_symbol %s", json_str(r.json, "violations[0].pc_symbol"));
    harness_result_free(&r);
}

/* --ibt/--shstk=auto follow the GNU property notes: the program's, and for a
 * dynamically linked program its loader's, which on Debian 12 carries no CET marks. */
Test(auto_switches, a_marked_static_program_gets_both)
{
    harness_result r;
    const char *args[] = {"--ibt=auto", "--shstk=auto", "--", prog_path("qsort-smash-marked-static"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert(json_object_get_boolean(json_at(r.json, "cet.ibt")), "ibt off: %s", r.stderr_text);
    cr_assert(json_object_get_boolean(json_at(r.json, "cet.shstk")), "shstk off: %s", r.stderr_text);
    cr_assert_eq(r.status, 1, "no violation: %s", r.stderr_text);
    harness_result_free(&r);
}

Test(auto_switches, a_marked_program_with_an_unmarked_loader_gets_neither)
{
    bool ibt, shstk;
    if (loader_is_marked(&ibt, &shstk))
        cr_skip_test("this loader is CET-marked");
    harness_result r;
    const char *args[] = {"--ibt=auto", "--shstk=auto", "--", prog_path("qsort-smash-marked"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_not(json_object_get_boolean(json_at(r.json, "cet.ibt")));
    cr_assert_not(json_object_get_boolean(json_at(r.json, "cet.shstk")));
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 0);
    cr_assert_eq(r.status, 99, "the hijacked return ran, unchecked: %s", r.stderr_text);
    cr_assert_not_null(strstr(json_str(r.json, "warnings[0]"), "program interpreter"),
                       "no word on why: %s", r.stderr_text);
    harness_result_free(&r);
}

Test(auto_switches, an_unmarked_program_gets_neither)
{
    harness_result r;
    const char *args[] = {"--ibt=auto", "--shstk=auto", "--", prog_path("qsort-smash"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_not(json_object_get_boolean(json_at(r.json, "cet.shstk")));
    cr_assert_eq(r.status, 99, "stderr: %s", r.stderr_text);
    /* Nothing is checked: the run says so (a run that checks nothing looks clean). */
    cr_assert_eq(json_object_array_length(json_at(r.json, "warnings")), 1, "%s", r.stderr_text);
    cr_assert_not_null(strstr(json_str(r.json, "warnings[0]"), "not CET-marked, so neither is checked"),
                       "%s", json_str(r.json, "warnings[0]"));
    harness_result_free(&r);
}
