/* QEMU's -L SYSROOT: QEMU loads the program interpreter from SYSROOT, and so must the
 * harness read it, for --ibt/--shstk=auto and for naming code in it.  The sysroot's
 * "loader" (progs/sysroot-loader.asm) is CET-marked, unlike the host's, and overwrites a
 * return address in sysroot_bad_ret. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[64];

static void make_sysroot(void)
{
    char cmd[1024];
    snprintf(root, sizeof root, "/tmp/cetharness-sysroot-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    /* qsort-smash-marked's PT_INTERP is the usual /lib64/ld-linux-x86-64.so.2. */
    snprintf(cmd, sizeof cmd, "mkdir '%s/lib64' && cp '%s' '%s/lib64/ld-linux-x86-64.so.2'", root,
             prog_path("sysroot-loader"), root);
    cr_assert_eq(system(cmd), 0);
}

static void remove_sysroot(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(qemu_sysroot, .init = make_sysroot, .fini = remove_sysroot);

Test(qemu_sysroot, the_loader_read_is_the_one_qemu_loads_from_the_sysroot)
{
    static const char *const engines[] = {"--engine=rsp", "--engine=trace"};
    for (size_t i = 0; i < 2; i++) {
        harness_result r;
        const char *args[] = {engines[i], "--ibt=auto", "--shstk=auto", "--on-violation=continue",
                              "--qemu-arg", "-L", "--qemu-arg", root, "--",
                              prog_path("qsort-smash-marked"), NULL};
        run_harness(&r, NULL, args);
        cr_assert_not_null(r.json, "%s: stderr: %s", engines[i], r.stderr_text);
        cr_assert(json_object_get_boolean(json_at(r.json, "cet.ibt")) &&
                  json_object_get_boolean(json_at(r.json, "cet.shstk")),
                  "%s: auto must follow the sysroot's marked loader: %s", engines[i], r.stderr_text);
        cr_assert_str_eq(r.stdout_text, "sysroot loader\n", "%s: QEMU ran the sysroot's loader",
                         engines[i]);
        cr_assert_str_eq(json_str(r.json, "violations[0].pc_symbol"),
                         "sysroot_bad_ret+0xb in ld-linux-x86-64.so.2", "%s: stderr %s", engines[i],
                         r.stderr_text);
        cr_assert_eq(r.status, 1);
        harness_result_free(&r);
    }
}
