/* Programs that exec and fork, under the RSP and trace engines (and the plugin engine
 * for the exec; its children: test_plugin_engine.c): what the report says was not checked
 * (not_checked), that the exec'd program's and the guest's exit statuses are the run's,
 * and that the children the harness does not follow still run normally. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

static const char *const engines[] = {"--engine=rsp", "--engine=trace"};

static size_t violation_count(const harness_result *r)
{
    return json_object_array_length(json_at(r->json, "violations"));
}

static bool is_null(json_object *run, const char *path)
{
    json_object *nc = json_at(run, "not_checked"), *member = NULL;
    return nc && json_object_object_get_ex(nc, path, &member) && member == NULL;
}

static bool flag(json_object *run, const char *path)
{
    json_object *o = json_at(run, path);
    return o && json_object_get_boolean(o);
}

static bool lists(json_object *run, const char *path, const char *item)
{
    json_object *a = json_at(run, path);
    for (size_t i = 0; a && i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), item) == 0)
            return true;
    return false;
}

/* A failed execve, checked calls after it, then an exec that works: the exec'd program
 * named with its arguments, its exit status (7) the run's, its end not the guest's crash;
 * under the plugin engine too where this QEMU loads the plugin. */
Test(exec_fork, the_exec_d_program_is_named_and_its_status_is_the_runs)
{
    static const char *const all[] = {"--engine=rsp", "--engine=trace", "--engine=plugin"};
    char why[256];
    bool plugin = qemu_loads_cetharness_plugin(why, sizeof why);
    for (size_t i = 0; i < 3; i++) {
        if (i == 2 && !plugin)
            break;   /* this QEMU cannot load the plugin (a static build) */
        harness_result r;
        const char *args[] = {all[i], "--ibt=off", "--", prog_path("exec-after-failed"),
                              prog_path("clean-exit"), "a b", NULL};
        run_harness(&r, NULL, args);
        cr_assert_not_null(r.json, "%s: stderr: %s", all[i], r.stderr_text);
        cr_assert_eq(r.status, 7, "%s: stderr: %s", all[i], r.stderr_text);
        cr_assert_eq(violation_count(&r), 0, "%s: a failed execve must leave the guest checked: %s",
                     all[i], r.stderr_text);
        cr_assert_str_eq(json_str(r.json, "exit.status"), "exited");
        cr_assert_eq(json_int(r.json, "exit.code"), 7);
        cr_assert_str_eq(json_str(r.json, "not_checked.exec.program"), prog_path("clean-exit"));
        cr_assert_str_eq(json_str(r.json, "not_checked.exec.argv[1]"), "a b", "%s", all[i]);
        cr_assert_eq(json_int(r.json, "not_checked.children"), 0);
        cr_assert_null(json_at(r.json, "crash"), "%s: the exec'd program's end is not the "
                       "guest's crash", all[i]);
        cr_assert(strstr(r.stderr_text, "not checked: the guest exec'd"), "%s", r.stderr_text);
        cr_assert(strstr(r.stdout_text, "exec "), "the guest's output: %s", r.stdout_text);
        harness_result_free(&r);
    }
}

/* A real program that execs: env running echo, as plain qemu-x86_64 runs it. */
Test(exec_fork, env_running_echo_exits_0_with_echos_output)
{
    for (size_t i = 0; i < 2; i++) {
        harness_result r;
        const char *args[] = {engines[i], "--ibt=off", "--", "/usr/bin/env", "/bin/echo", "x", NULL};
        run_harness(&r, NULL, args);
        cr_assert_eq(r.status, 0, "%s: stderr: %s", engines[i], r.stderr_text);
        cr_assert_str_eq(r.stdout_text, "x\n", "%s", engines[i]);
        cr_assert_str_eq(json_str(r.json, "not_checked.exec.program"), "/bin/echo");
        harness_result_free(&r);
    }
}

/* Children by fork, fork+exec, vfork+exec and posix_spawn: the RSP engine counts them,
 * checks the parent to its end (a violation after the forks is caught) and leaves the
 * children intact (the parent checks their statuses). */
Test(exec_fork, the_rsp_engine_counts_children_and_checks_the_parent_to_its_end)
{
    harness_result r;
    const char *args[] = {"--engine=rsp", "--ibt=off", "--", prog_path("fork-children"),
                          prog_path("clean-exit"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_eq(r.status, 0, "a child did not end as it should (10+N); stderr: %s", r.stderr_text);
    cr_assert_eq(json_int(r.json, "not_checked.children"), 4, "stderr: %s", r.stderr_text);
    cr_assert(is_null(r.json, "children_programs"), "the RSP engine does not see children's execs");
    cr_assert_not(flag(r.json, "not_checked.guest_after_fork"));
    cr_assert(strstr(r.stderr_text, "not checked: 4 child processes"), "%s", r.stderr_text);
    harness_result_free(&r);

    const char *smash[] = {"--engine=rsp", "--ibt=off", "--", prog_path("fork-children"),
                           prog_path("clean-exit"), "smash", NULL};
    run_harness(&r, NULL, smash);
    cr_assert_eq(r.status, 1, "stderr: %s", r.stderr_text);
    cr_assert_eq(violation_count(&r), 1);
    cr_assert(strncmp(json_str(r.json, "violations[0].pc_symbol"), "smash", 5) == 0, "%s",
              json_str(r.json, "violations[0].pc_symbol"));
    harness_result_free(&r);
}

/* The trace engine stops checking at the first fork and says so; it names what the
 * children exec'd; the guest's own exit status stands (99: the smash went unreported). */
Test(exec_fork, the_trace_engine_says_it_stops_at_the_first_fork)
{
    harness_result r;
    const char *args[] = {"--engine=trace", "--ibt=off", "--", prog_path("fork-children"),
                          prog_path("clean-exit"), "smash", NULL};
    run_harness(&r, NULL, args);
    cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
    cr_assert_eq(r.status, 99, "the guest's own status; stderr: %s", r.stderr_text);
    cr_assert_eq(violation_count(&r), 0, "nothing after the fork is checked: %s", r.stderr_text);
    cr_assert(flag(r.json, "not_checked.guest_after_fork"));
    int64_t children = json_int(r.json, "not_checked.children");
    cr_assert(children >= 1 && children <= 4, "children %lld", (long long)children);
    if (flag(r.json, "not_checked.children_exact")) {
        cr_assert_eq(children, 4, "stderr: %s", r.stderr_text);
        cr_assert(lists(r.json, "not_checked.children_programs", prog_path("clean-exit")),
                  "stderr: %s", r.stderr_text);
        cr_assert_not(lists(r.json, "not_checked.children_programs", "/nonexistent/program"),
                      "a program whose exec failed: %s", r.stderr_text);
    }
    cr_assert(strstr(r.stderr_text, "not checked: the guest itself after its first fork"), "%s",
              r.stderr_text);
    harness_result_free(&r);
}

/* A shell pipeline: two children that exec; the shell's status and output stand. */
Test(exec_fork, a_shell_pipeline_keeps_its_output_and_status)
{
    for (size_t i = 0; i < 2; i++) {
        harness_result r;
        const char *args[] = {engines[i], "--ibt=off", "--shstk=off", "--", "/bin/sh", "-c",
                              "/bin/echo a | /bin/cat; exit 3", NULL};
        run_harness(&r, NULL, args);
        cr_assert_eq(r.status, 3, "%s: stderr: %s", engines[i], r.stderr_text);
        cr_assert_str_eq(r.stdout_text, "a\n", "%s", engines[i]);
        int64_t children = json_int(r.json, "not_checked.children");
        bool exact = flag(r.json, "not_checked.children_exact");
        cr_assert(exact ? children == 2 : children >= 1 && children <= 2, "%s: %lld children",
                  engines[i], (long long)children);
        if (i == 1 && exact)
            cr_assert(lists(r.json, "not_checked.children_programs", "/bin/cat"), "%s", r.stderr_text);
        harness_result_free(&r);
    }
}

/* The exec'd program runs on under the time limit, and is killed with QEMU's group. */
Test(exec_fork, an_exec_d_program_that_hangs_times_out_and_is_killed)
{
    for (size_t i = 0; i < 2; i++) {
        harness_result r;
        const char *args[] = {engines[i], "--ibt=off", "--timeout", "15", "--",
                              prog_path("exec-after-failed"), prog_path("hang"), NULL};
        run_harness(&r, NULL, args);
        cr_assert_eq(r.status, 125, "%s: stderr: %s", engines[i], r.stderr_text);
        cr_assert_str_eq(json_str(r.json, "exit.status"), "timeout");
        cr_assert_str_eq(json_str(r.json, "not_checked.exec.program"), prog_path("hang"),
                         "%s: the exec came before the limit: %s", engines[i], r.stderr_text);
        cr_assert_not(process_running(prog_path("hang")), "%s: still running", engines[i]);
        harness_result_free(&r);
    }
}
