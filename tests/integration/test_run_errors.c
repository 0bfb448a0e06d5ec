/* cetharness run on bad input: one clear line on stderr, exit 125, nothing left running. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void assert_one_line_error(const harness_result *r, const char *needle)
{
    cr_assert_eq(r->status, 125, "exit status %d, stderr: %s", r->status, r->stderr_text);
    cr_assert_not_null(strstr(r->stderr_text, needle), "stderr lacks '%s': %s", needle, r->stderr_text);
    const char *nl = strchr(r->stderr_text, '\n');
    cr_assert(nl && nl[1] == '\0', "not exactly one line: %s", r->stderr_text);
}

/* A private copy of a test program, so that "is it still running?" cannot be
 * confused by another test running the same program in parallel. */
static const char *private_copy(char *buf, size_t cap, const char *name)
{
    char cmd[2048];
    snprintf(buf, cap, "/tmp/cetharness-test-%d-%s", getpid(), name);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", prog_path(name), buf);
    cr_assert_eq(system(cmd), 0);
    return buf;
}

/* A script standing in for QEMU; the path is returned in buf. */
static const char *write_script(char *buf, size_t cap, const char *body)
{
    snprintf(buf, cap, "/tmp/cetharness-fakeqemu-%d-%ld", getpid(), random());
    FILE *f = fopen(buf, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(buf, 0755);
    return buf;
}

Test(run_errors, missing_program)
{
    harness_result r;
    const char *args[] = {"--", "/nonexistent/prog", NULL};
    run_harness(&r, NULL, args);
    assert_one_line_error(&r, "/nonexistent/prog");
    cr_assert_str_eq(json_str(r.json, "exit.status"), "error");
    harness_result_free(&r);
}

Test(run_errors, not_an_elf)
{
    harness_result r;
    const char *args[] = {"--", "/etc/hostname", NULL};
    run_harness(&r, NULL, args);
    assert_one_line_error(&r, "not an ELF");
    harness_result_free(&r);
}

Test(run_errors, elf_32bit)
{
    harness_result r;
    const char *args[] = {"--", prog_path("elf32"), NULL};
    run_harness(&r, NULL, args);
    assert_one_line_error(&r, "32-bit");
    harness_result_free(&r);
}

Test(run_errors, missing_qemu)
{
    harness_result r;
    const char *args[] = {"--", prog_path("clean-exit"), NULL};
    run_harness(&r, "/nonexistent/qemu-x86_64", args);
    assert_one_line_error(&r, "/nonexistent/qemu-x86_64");
    harness_result_free(&r);
}

Test(run_errors, qemu_for_another_architecture)
{
    char path[256];
    harness_result r;
    write_script(path, sizeof path, "echo 'qemu-aarch64 version 7.2.22'");
    const char *args[] = {"--", prog_path("clean-exit"), NULL};
    run_harness(&r, path, args);
    unlink(path);
    assert_one_line_error(&r, "not qemu-x86_64");
    harness_result_free(&r);
}

Test(run_errors, bad_option_value)
{
    harness_result r;
    const char *args[] = {"--ibt=maybe", "--", prog_path("clean-exit"), NULL};
    run_harness(&r, NULL, args);
    assert_one_line_error(&r, "--ibt");
    harness_result_free(&r);
}

Test(run_errors, qemu_dying_mid_run_is_an_error_and_leaves_nothing)
{
    char path[256], body[1024];
    const char *real = getenv("QEMU") ? getenv("QEMU") : "qemu-x86_64";
    /* exec keeps the pid, so the background killer hits QEMU itself. */
    snprintf(body, sizeof body,
             "case \"$1\" in --version) exec %s --version;; esac\n"
             "(sleep 1; kill -9 $$) &\nexec %s \"$@\"", real, real);
    write_script(path, sizeof path, body);
    harness_result r;
    char prog[256];
    const char *args[] = {"--timeout", "30", "--", private_copy(prog, sizeof prog, "hang"), NULL};
    run_harness(&r, path, args);
    unlink(path);   /* before the asserts: a failing one ends the test */
    bool left_running = process_running(prog);
    unlink(prog);
    assert_one_line_error(&r, "QEMU");
    cr_assert_str_eq(json_str(r.json, "exit.status"), "error");
    cr_assert_not(left_running);
    harness_result_free(&r);
}

Test(run_errors, hanging_guest_times_out_and_is_killed)
{
    harness_result r;
    char prog[256];
    const char *args[] = {"--timeout", "2", "--", private_copy(prog, sizeof prog, "hang"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_eq(r.status, 125, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "exit.status"), "timeout");
    cr_assert_not(process_running(prog), "QEMU still running after the timeout");
    unlink(prog);
    harness_result_free(&r);
}

/* A violation is a finding however the run ends after it: exit 1, not the timeout's 125,
 * and the JSON says the guest timed out. */
Test(run_errors, a_timeout_after_a_violation_exits_with_the_violations_status)
{
    for (int i = 0; i < 2; i++) {
        harness_result r;
        const char *args[] = {i ? "--engine=trace" : "--engine=rsp", "--on-violation=continue",
                              "--timeout", "2", "--", prog_path("violation-then-hang"), NULL};
        run_harness(&r, NULL, args);
        cr_assert_eq(r.status, 1, "stderr: %s", r.stderr_text);
        cr_assert_str_eq(json_str(r.json, "exit.status"), "timeout");
        cr_assert_eq(json_int(r.json, "violations_total"), 1, "stderr: %s", r.stderr_text);
        cr_assert(strstr(json_str(r.json, "exit.message"), "within 2 s"), "%s",
                  json_str(r.json, "exit.message"));
        harness_result_free(&r);
    }
}

Test(run, clean_program_passes_its_exit_status_through)
{
    harness_result r;
    const char *args[] = {"--", prog_path("clean-exit"), NULL};
    run_harness(&r, NULL, args);
    cr_assert_eq(r.status, 7, "stderr: %s", r.stderr_text);
    cr_assert_str_eq(json_str(r.json, "exit.status"), "exited");
    cr_assert_eq(json_int(r.json, "exit.code"), 7);
    cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 0);
    cr_assert_eq(json_int(r.json, "stats.calls"), 2);
    cr_assert_eq(json_int(r.json, "stats.rets"), 2);
    harness_result_free(&r);
}
