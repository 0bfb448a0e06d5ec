/* Corpus discovery, --filter and --shard on a temporary corpus tree. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite/suite_discover.h"

static char root[64];
static suite_case_list list;
static char err[512];

static const char *const tree_files[] = {
    "asm/cases/shstk/overwrite-ret.asm", "asm/cases/shstk/longjmp-incssp.asm",
    "asm/cases/ibt/missing-endbr.asm",   "asm/cases/ibt/notrack.asm",
    "asm/cases/README.md",               "asm/cases/ibt/notes.txt",
    "asm/cases/ibt/.hidden.asm",         "cases/ibt/fnptr.c",
    "cases/signals/sigreturn.c",         "cases/signals/helper.h",
};

static void make_path(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0, "%s", path);
    close(fd);
}

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/discover-test-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    for (size_t i = 0; i < sizeof tree_files / sizeof *tree_files; i++)
        make_path(tree_files[i]);
}

static void teardown(void)
{
    suite_case_list_free(&list);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(suite_discover, .init = setup, .fini = teardown);

static void discover_all(void)
{
    char a[128], c[128];
    snprintf(a, sizeof a, "%s/asm/cases", root);
    snprintf(c, sizeof c, "%s/cases", root);
    const char *roots[] = {a, c};
    cr_assert_eq(suite_discover(roots, 2, false, "out", &list, err, sizeof err), 0, "%s", err);
}

Test(suite_discover, finds_sources_sorted_by_name)
{
    static const char *const names[] = {"ibt/fnptr", "ibt/missing-endbr", "ibt/notrack",
                                        "shstk/longjmp-incssp", "shstk/overwrite-ret",
                                        "signals/sigreturn"};
    discover_all();
    cr_assert_eq(list.n, 6);
    for (size_t i = 0; i < list.n; i++) {
        cr_expect_str_eq(list.items[i].name, names[i]);
        cr_expect_null(list.items[i].problem);
    }
    char want[256];
    snprintf(want, sizeof want, "%s/cases/ibt/fnptr.c", root);
    cr_assert_str_eq(list.items[0].file, want);
    cr_assert_str_eq(list.items[0].binary, "out/corpus/ibt/fnptr");
    cr_assert_str_eq(list.items[0].category, "ibt");
}

Test(suite_discover, explicit_file_and_repeated_root)
{
    char f[128];
    snprintf(f, sizeof f, "%s/asm/cases/shstk/overwrite-ret.asm", root);
    const char *roots[] = {f, f};
    cr_assert_eq(suite_discover(roots, 2, false, "build", &list, err, sizeof err), 0, "%s", err);
    cr_assert_eq(list.n, 1, "the same file twice is one case");
    cr_assert_str_eq(list.items[0].name, "shstk/overwrite-ret");
    cr_assert_str_eq(list.items[0].binary, "build/corpus/shstk/overwrite-ret");
}

Test(suite_discover, missing_root_is_an_error_unless_allowed)
{
    const char *roots[] = {"/nonexistent/cases"};
    cr_assert_neq(suite_discover(roots, 1, false, "build", &list, err, sizeof err), 0);
    cr_assert(strstr(err, "/nonexistent/cases"), "%s", err);
    cr_assert_eq(suite_discover(roots, 1, true, "build", &list, err, sizeof err), 0);
    cr_assert_eq(list.n, 0);
}

Test(suite_discover, cxx_sources_are_cases_and_headers_are_not)
{
    make_path("cases/libc/throw.cc");
    make_path("cases/libc/throw.hh");
    discover_all();
    cr_assert_eq(list.n, 7);
    size_t found = 0;
    for (size_t i = 0; i < list.n; i++)
        if (strcmp(list.items[i].name, "libc/throw") == 0) {
            cr_assert_str_eq(list.items[i].binary, "out/corpus/libc/throw");
            found++;
        }
    cr_assert_eq(found, 1);
}

Test(suite_discover, same_name_in_asm_and_c_is_flagged)
{
    make_path("cases/shstk/overwrite-ret.c");
    discover_all();
    size_t flagged = 0;
    for (size_t i = 0; i < list.n; i++) {
        if (strcmp(list.items[i].name, "shstk/overwrite-ret") == 0) {
            cr_assert_not_null(list.items[i].problem);
            cr_assert(strstr(list.items[i].problem, "same case name"), "%s",
                      list.items[i].problem);
            flagged++;
        } else {
            cr_assert_null(list.items[i].problem);
        }
    }
    cr_assert_eq(flagged, 2);
}

Test(suite_discover, filter_by_glob)
{
    discover_all();
    suite_filter(&list, "ibt/*");
    cr_assert_eq(list.n, 3);
    for (size_t i = 0; i < list.n; i++)
        cr_assert_eq(strncmp(list.items[i].name, "ibt/", 4), 0);
    suite_filter(&list, "*/notrack");
    cr_assert_eq(list.n, 1);
    cr_assert_str_eq(list.items[0].name, "ibt/notrack");
}

Test(suite_discover, shards_are_stable_disjoint_and_complete)
{
    discover_all();
    size_t total = list.n, seen = 0;
    char **all = calloc(total, sizeof *all);
    int *hits = calloc(total, sizeof *hits);
    for (size_t i = 0; i < total; i++)
        all[i] = strdup(list.items[i].name);
    suite_case_list_free(&list);
    for (unsigned shard = 1; shard <= 3; shard++) {
        for (int again = 0; again < 2; again++) {
            discover_all();
            suite_shard(&list, shard, 3);
            cr_assert_eq(list.n, 2, "6 cases in 3 shards");
            for (size_t k = 0; k < list.n && again == 0; k++, seen++)
                for (size_t i = 0; i < total; i++)
                    hits[i] += strcmp(all[i], list.items[k].name) == 0;
            suite_case_list_free(&list);
        }
    }
    cr_assert_eq(seen, total);
    for (size_t i = 0; i < total; i++) {
        cr_expect_eq(hits[i], 1, "%s is in %d shards", all[i], hits[i]);
        free(all[i]);
    }
    free(all);
    free(hits);
}

Test(suite_discover, shard_of_one_keeps_everything)
{
    discover_all();
    suite_shard(&list, 1, 1);
    cr_assert_eq(list.n, 6);
    suite_shard(&list, 4, 4);
    cr_assert_eq(list.n, 1, "the 4th of 4 gets the case with index 3");
    cr_assert_str_eq(list.items[0].name, "shstk/longjmp-incssp");
}

Test(suite_discover, parse_shard)
{
    unsigned i, n;
    cr_assert_eq(suite_parse_shard("2/5", &i, &n, err, sizeof err), 0);
    cr_assert_eq(i, 2);
    cr_assert_eq(n, 5);
    static const char *const bad[] = {"0/3", "4/3", "1/0", "1", "a/b", "1/3x", "-1/3", "1/-3",
                                      ""};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cr_expect_neq(suite_parse_shard(bad[k], &i, &n, err, sizeof err), 0, "'%s'", bad[k]);
        cr_expect(strstr(err, "--shard"), "%s", err);
    }
}
