/* cetharness suite on cases that go wrong: a case that hangs, one with a header the
 * runner cannot parse, one whose program was never built.  Each is an error with its
 * reason, none stops the suite, and nothing is left running. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void make_root(void)
{
    snprintf(root, sizeof root, "/tmp/cetharness-suitetest-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", root);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(suite_run, .init = make_root, .fini = remove_root);

/* A case: its header in ROOT/src/t/NAME.asm and, unless prog is NULL, a copy of that
 * test program as its built binary ROOT/build/corpus/t/NAME. */
static void add_case(const char *name, const char *header, const char *prog)
{
    char path[256], cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/src/t' '%s/build/corpus/t'", root, root);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/src/t/%s.asm", root, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(header, f);
    fclose(f);
    if (prog) {
        snprintf(cmd, sizeof cmd, "cp '%s' '%s/build/corpus/t/%s-%d'", prog_path(prog), root,
                 name, getpid());
        cr_assert_eq(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "mv '%s/build/corpus/t/%s-%d' '%s/build/corpus/t/%s'", root,
                 name, getpid(), root, name);
        cr_assert_eq(system(cmd), 0);
    }
}

static json_object *case_named(json_object *suite, const char *name)
{
    json_object *cases = json_at(suite, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (strcmp(json_str(c, "name"), name) == 0)
            return c;
    }
    cr_assert_fail("no case %s in the report", name);
    return NULL;
}

Test(suite_run, broken_cases_are_errors_and_the_suite_goes_on)
{
    add_case("clean", "; Exits 7.\n; expect: clean exit=7\n", "clean-exit");
    add_case("hangs", "; Never ends.\n; expect: clean\n; timeout: 2\n", "hang");
    add_case("no-expect", "; A header without an expectation.\n", "clean-exit");
    add_case("not-built", "; Its program is missing.\n; expect: clean\n", NULL);
    char src[128], build[128], hang_binary[160];
    snprintf(src, sizeof src, "%s/src", root);
    snprintf(build, sizeof build, "%s/build", root);
    snprintf(hang_binary, sizeof hang_binary, "%s/build/corpus/t/hangs", root);
    const char *args[] = {"--build-dir", build, "-j", "2", src, NULL};
    harness_result r;
    run_cetharness(&r, "suite", NULL, args);
    cr_assert_not_null(r.json, "no JSON; stderr: %s", r.stderr_text);
    cr_assert_eq(r.status, 1, "exit status %d", r.status);
    cr_assert_eq(json_int(r.json, "counts.total"), 4);
    cr_assert_eq(json_int(r.json, "counts.passed"), 1);
    cr_assert_eq(json_int(r.json, "counts.errors"), 3);
    cr_assert_str_eq(json_str(case_named(r.json, "t/clean"), "status"), "pass");
    json_object *hangs = case_named(r.json, "t/hangs");
    cr_assert_str_eq(json_str(hangs, "status"), "error");
    cr_assert_not_null(strstr(json_str(hangs, "message"), "time"), "%s", json_str(hangs, "message"));
    json_object *no_expect = case_named(r.json, "t/no-expect");
    cr_assert_str_eq(json_str(no_expect, "status"), "error");
    cr_assert_not_null(strstr(json_str(no_expect, "message"), "no-expect.asm"),
                       "the error names the file: %s", json_str(no_expect, "message"));
    json_object *not_built = case_named(r.json, "t/not-built");
    cr_assert_str_eq(json_str(not_built, "status"), "error");
    cr_assert_not_null(strstr(json_str(not_built, "message"), "missing program"), "%s",
                       json_str(not_built, "message"));
    cr_assert_not(process_running(hang_binary), "the hanging case's QEMU is still running");
    harness_result_free(&r);
}
