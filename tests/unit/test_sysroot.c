/* QEMU's -L as the harness follows it: which host file a guest path is (guest/sysroot.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/sysroot.h"

static char root[64];

static void make_root(void)
{
    char path[128];
    snprintf(root, sizeof root, "/tmp/cetharness-sysroot-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    snprintf(path, sizeof path, "%s/lib64", root);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/lib64/ld.so", root);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(sysroot, .init = make_root, .fini = remove_root);

Test(sysroot, an_absolute_path_is_the_sysroots_copy_when_there_is_one)
{
    char buf[256], want[256];
    snprintf(want, sizeof want, "%s/lib64/ld.so", root);
    cr_assert_str_eq(sysroot_path(root, "/lib64/ld.so", buf, sizeof buf), want);
    cr_assert_str_eq(sysroot_path(root, "/lib64/absent.so", buf, sizeof buf), "/lib64/absent.so",
                     "QEMU falls back to the host's path");
    cr_assert_str_eq(sysroot_path(root, "lib64/ld.so", buf, sizeof buf), "lib64/ld.so",
                     "relative paths are not looked up");
    cr_assert_str_eq(sysroot_path(NULL, "/lib64/ld.so", buf, sizeof buf), "/lib64/ld.so");
    cr_assert_str_eq(sysroot_path("/", "/lib64/ld.so", buf, sizeof buf), "/lib64/ld.so");
}

Test(sysroot, the_interpreter_file_follows_the_sysroot)
{
    elf_facts f = {0};
    char want[256];
    f.interp = strdup("/lib64/ld.so");
    f.interp_file = strdup(f.interp);
    f.has_interp = true;
    cr_assert_eq(elf_facts_set_sysroot(&f, root), 0);
    snprintf(want, sizeof want, "%s/lib64/ld.so", root);
    cr_assert_str_eq(f.interp_file, want);
    cr_assert_str_eq(f.interp, "/lib64/ld.so", "PT_INTERP itself is kept");
    elf_facts_free(&f);
}
