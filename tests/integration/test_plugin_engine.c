/* The plugin engine (--engine=plugin): cetharness's own QEMU plugin streams what the
 * guest does into memory the harness reads.  The corpus gives the RSP engine's verdicts
 * (cases that need the exact engine say so and run with it); glibc threads computing at
 * once run to their end, a violation in one of them is reported with that thread's id;
 * what QEMU did before a signal killed it is still reported; forked children are counted
 * and what they exec named while the parent is checked to its end (an exec'd program:
 * test_exec_fork.c);
 * --engine=auto takes the plugin engine where QEMU loads the plugin and QEMU's log where
 * it does not (or the plugin is not built), saying why.  Tests that need the plugin
 * loaded skip themselves under a QEMU that cannot load plugins (Debian's static builds). */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { REPEATS = 10 };

static const char *qemu(void)
{
    const char *q = getenv("QEMU");
    return q && *q ? q : "qemu-x86_64";
}

static void skip_unless_qemu_loads_the_plugin(void)
{
    char why[256];
    if (!qemu_loads_cetharness_plugin(why, sizeof why))
        cr_skip_test("this QEMU does not load cetharness's plugin: %s", why);
}

static bool warned(json_object *run, const char *needle)
{
    json_object *ws = json_at(run, "warnings");
    for (size_t i = 0; ws && i < json_object_array_length(ws); i++)
        if (strstr(json_object_get_string(json_object_array_get_idx(ws, i)), needle))
            return true;
    return false;
}

Test(plugin_engine, corpus_gives_the_rsp_engines_verdicts)
{
    skip_unless_qemu_loads_the_plugin();
    assert_corpus_passes_under("plugin", 90);
}

Test(plugin_engine, four_threads_computing_at_once_run_clean_to_their_end)
{
    skip_unless_qemu_loads_the_plugin();
    assert_threads4_runs_clean_under("plugin", REPEATS);
}

/* The program names the thread that smashes its return address; the report must too. */
Test(plugin_engine, a_violation_in_the_third_worker_is_reported_in_its_thread)
{
    skip_unless_qemu_loads_the_plugin();
    assert_threads4_smash_is_found_in_its_thread("plugin", REPEATS, true);
}

/* The violation comes just before the guest dies of SIGSEGV: QEMU leaves no time to send
 * anything, what it wrote into the shared memory is all there is. */
Test(plugin_engine, what_the_guest_did_before_a_signal_killed_it_is_reported)
{
    skip_unless_qemu_loads_the_plugin();
    harness_result r;
    const char *args[] = {"--engine=plugin", "--on-violation=continue", "--",
                          prog_path("smash-then-crash"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 1, "%s",
                 r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "violations[0].pc_symbol"), "bad_ret");
    cr_assert_str_eq(json_str(r.json, "crash.signal_name"), "SIGSEGV");
    cr_assert_str_eq(json_str(r.json, "crash.pc_symbol"), "crash");
    harness_result_free(&r);
}

/* Children by fork, fork+exec, vfork+exec and posix_spawn: counted, left intact (the
 * parent checks their statuses), what they exec'd named (not a program whose exec
 * failed), and the parent checked to its end (the plugin leaves the stream in a child,
 * so its blocks are never taken for the parent's). */
Test(plugin_engine, children_are_counted_and_the_parent_is_checked_to_its_end)
{
    skip_unless_qemu_loads_the_plugin();
    harness_result r;
    const char *args[] = {"--engine=plugin", "--ibt=off", "--", prog_path("fork-children"),
                          prog_path("clean-exit"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_eq(r.status, 0, "a child did not end as it should (10+N); stderr: %s",
                 r.stderr_text);
    cr_assert_eq(json_int(r.json, "not_checked.children"), 4, "stderr: %s", r.stderr_text);
    json_object *programs = json_at(r.json, "not_checked.children_programs");
    cr_assert(programs && json_object_array_length(programs) == 1, "%s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "not_checked.children_programs[0]"), prog_path("clean-exit"),
                     "the program the children ran, not the one whose exec failed");
    cr_assert_not(warned(r.json, "by no transfer"), "%s", r.stderr_text);
    json_object *after_fork = json_at(r.json, "not_checked.guest_after_fork");
    cr_assert(after_fork && !json_object_get_boolean(after_fork));
    harness_result_free(&r);

    const char *smash[] = {"--engine=plugin", "--ibt=off", "--", prog_path("fork-children"),
                           prog_path("clean-exit"), "smash", NULL};
    run_harness(&r, NULL, smash);
    cr_assert_eq(r.status, 1, "stderr: %s", r.stderr_text);
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 1, "%s",
                 r.stderr_text);
    cr_assert(strncmp(json_str(r.json, "violations[0].pc_symbol"), "smash", 5) == 0, "%s",
              json_str(r.json, "violations[0].pc_symbol"));
    harness_result_free(&r);
}

/* The same violation report whichever engine ran: a glibc program (PIE, libc mapped by
 * the loader) names the code in libc and the loader the same way. */
Test(plugin_engine, reports_name_library_code_as_the_rsp_engine_does)
{
    skip_unless_qemu_loads_the_plugin();
    static const char *const fields[] = {"violations[0].reason", "violations[0].pc_symbol",
                                         "violations[0].target_symbol",
                                         "violations[0].expected_symbol",
                                         "violations[0].shadow_stack_symbols[2]",
                                         "violations[0].insn"};
    assert_reports_match_rsp("plugin", fields, sizeof fields / sizeof *fields);
}

/* A QEMU that cannot load plugins: what Debian's static builds answer to -plugin. */
static const char *qemu_without_plugins(char *dir, size_t cap)
{
    static char path[4200];
    snprintf(dir, cap, "/tmp/cetharness-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/qemu-x86_64", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\n"
               "case \" $* \" in *\" -plugin \"*) echo \"qemu: unknown option 'plugin'\" >&2; "
               "exit 1;; esac\n"
               "exec '%s' \"$@\"\n", qemu());
    fclose(f);
    chmod(path, 0755);
    return path;
}

static void remove_dir(const char *dir, const char *file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    unlink(path);
    rmdir(dir);
}

Test(plugin_engine, auto_takes_the_plugin_engine_where_qemu_loads_it)
{
    skip_unless_qemu_loads_the_plugin();
    harness_result r;
    const char *args[] = {"--on-violation=continue", "--", corpus_path("shstk/overwrite-ret"),
                          NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "engine"), "plugin");
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 1);
    harness_result_free(&r);
}

Test(plugin_engine, auto_reads_the_log_where_qemu_cannot_load_the_plugin)
{
    char dir[64];
    const char *static_qemu = qemu_without_plugins(dir, sizeof dir);
    harness_result r;
    const char *args[] = {"--on-violation=continue", "--", corpus_path("shstk/overwrite-ret"),
                          NULL};
    run_harness(&r, static_qemu, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "engine"), "trace");
    cr_assert(warned(r.json, "unknown option 'plugin'"), "stderr: %s", r.stderr_text);
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 1);
    harness_result_free(&r);

    const char *plugin_args[] = {"--engine=plugin", "--", corpus_path("shstk/overwrite-ret"), NULL};
    run_harness(&r, static_qemu, plugin_args);
    cr_assert_eq(r.status, 125, "stderr: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "QEMU ended before the plugin started"), "%s", r.stderr_text);
    harness_result_free(&r);
    remove_dir(dir, "qemu-x86_64");
}

/* A cetharness with no plugin beside it (make could not get qemu-plugin.h). */
Test(plugin_engine, without_the_plugin_built_plugin_says_so_and_auto_reads_the_log)
{
    char dir[64] = "/tmp/cetharness-test-XXXXXX", copy[200], cmd[4400];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(copy, sizeof copy, "%s/cetharness", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'",
             getenv("CETHARNESS") ? getenv("CETHARNESS") : "build/asan/cetharness", copy);
    cr_assert_eq(system(cmd), 0);
    setenv("CETHARNESS", copy, 1);
    harness_result r;
    const char *plugin_args[] = {"--engine=plugin", "--", corpus_path("shstk/overwrite-ret"), NULL};
    run_harness(&r, NULL, plugin_args);
    cr_assert_eq(r.status, 125, "stderr: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "cetharness-plugin.so is not there"), "%s", r.stderr_text);
    harness_result_free(&r);
    const char *auto_args[] = {"--on-violation=continue", "--", corpus_path("shstk/overwrite-ret"),
                               NULL};
    run_harness(&r, NULL, auto_args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "engine"), "trace");
    cr_assert(warned(r.json, "cetharness-plugin.so is not there"), "%s", r.stderr_text);
    harness_result_free(&r);
    remove_dir(dir, "cetharness");
}
