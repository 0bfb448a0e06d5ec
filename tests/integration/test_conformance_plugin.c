/* Conformance mode grading a CET-enforcing emulator with known bugs: the TCG plugin
 * of tests/emulator/ in Debian's plugin-capable qemu-x86_64.  Bug-free, it ends QEMU
 * at each #CP (wrong-delivery: Linux delivers SIGSEGV); each injected bug must change
 * the verdict of exactly the cases it breaks, and to the right verdict. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *plugin_path(void)
{
    const char *p = getenv("PLUGIN");
    return p && *p ? p : "build/emulator/libcetplugin.so";
}

/* Static QEMU builds (Debian's 10.0 and 11.1) cannot load plugins. */
static void skip_unless_qemu_loads_plugins(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' -plugin '%s' '%s' >/dev/null 2>&1",
             getenv("QEMU") ? getenv("QEMU") : "qemu-x86_64", plugin_path(), prog_path("clean-exit"));
    if (system(cmd) != 7 << 8)
        cr_skip_test("this QEMU does not load TCG plugins (a static build?)");
}

static json_object *graded_with(const char *bug)
{
    static char corpus[1024];
    char plugin[1200];
    snprintf(corpus, sizeof corpus, "%s", corpus_path(""));
    snprintf(plugin, sizeof plugin, "--run-option=--qemu-arg=%s%s%s", plugin_path(),
             bug ? ",bug=" : "", bug ? bug : "");
    const char *args[] = {"--build-dir", dirname(corpus), "-j", "2", "--conformance",
                          "--run-option=--qemu-arg=-plugin", plugin, "asm/cases", "cases/c", NULL};
    return suite_report(NULL, args);
}

static const char *verdict_in(json_object *suite, const char *name)
{
    json_object *cases = json_at(suite, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (strcmp(json_str(c, "name"), name) == 0) {
            const char *v = json_str(c, "conformance.verdict");
            return v ? v : "(none)";
        }
    }
    return "(absent)";
}

typedef struct bug_effect {
    const char *bug;
    const char *verdict;            /* what the broken cases become */
    const char *cases[8];
} bug_effect;

static const bug_effect effects[] = {
    {"notrack-ignored", "spurious-cp",
     {"ibt/notrack-call-no-endbr", "ibt/notrack-jmp-no-endbr", "ibt/notrack-switch-table",
      "jit/jit-notrack-no-endbr", "c/nocf-check", "c/switch-notrack", "ssp/longjmp-no-incssp"}},
    {"call-next-pushed", "spurious-cp", {"shstk/call-zero-disp", "shstk/call-zero-disp-rex"}},
    {"endbr32-accepted", "missed-cp",
     {"ibt/call-reg-endbr32", "ibt/jmp-reg-endbr32", "c/funcptr-endbr32"}},
    {"ret-imm-unchecked", "missed-cp", {"shstk/ret-imm16-mismatch"}},
};

static bool listed(const bug_effect *b, const char *name)
{
    for (size_t i = 0; i < 8 && b->cases[i]; i++)
        if (strcmp(b->cases[i], name) == 0)
            return true;
    return false;
}

static void check_bug(json_object *clean, const bug_effect *b)
{
    json_object *buggy = graded_with(b->bug), *cases = json_at(clean, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        const char *name = json_str(json_object_array_get_idx(cases, i), "name");
        const char *before = verdict_in(clean, name), *after = verdict_in(buggy, name);
        if (listed(b, name))
            cr_expect_str_eq(after, b->verdict, "bug=%s: %s is %s (bug-free: %s)", b->bug, name,
                             after, before);
        else
            cr_expect_str_eq(after, before, "bug=%s changed %s, which it does not break: %s -> %s",
                             b->bug, name, before, after);
    }
    json_object_put(buggy);
}

/* One test: the bug-free grading is the baseline each bug is compared with. */
Test(conformance_plugin, each_injected_bug_changes_exactly_its_cases)
{
    skip_unless_qemu_loads_plugins();
    json_object *clean = graded_with(NULL);
    cr_assert_str_eq(verdict_in(clean, "shstk/overwrite-ret"), "wrong-delivery",
                     "the plugin ends QEMU at a #CP instead of delivering SIGSEGV");
    cr_assert_str_eq(verdict_in(clean, "ibt/call-reg-no-endbr"), "wrong-delivery");
    cr_assert_str_eq(verdict_in(clean, "shstk/call-ret-nesting"), "conforms");
    for (size_t i = 0; i < sizeof effects / sizeof *effects; i++)
        check_bug(clean, &effects[i]);
    json_object_put(clean);
}

/* Turning a whole check off misses every #CP of that kind the bug-free plugin raised. */
Test(conformance_plugin, a_disabled_check_misses_every_cp_of_its_kind)
{
    skip_unless_qemu_loads_plugins();
    json_object *clean = graded_with(NULL), *no_shstk = graded_with("no-shstk");
    json_object *cases = json_at(clean, "cases");
    size_t missed = 0;
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        const char *name = json_str(c, "name"), *expect = json_str(c, "expect[0]");
        bool shstk_cp = expect && strstr(expect, "violation shstk") &&
                        strcmp(verdict_in(clean, name), "wrong-delivery") == 0;
        if (!shstk_cp)
            continue;
        cr_expect_str_eq(verdict_in(no_shstk, name), "missed-cp", "bug=no-shstk: %s", name);
        missed++;
    }
    cr_assert_geq(missed, 10);
    json_object_put(no_shstk);
    json_object_put(clean);
}
