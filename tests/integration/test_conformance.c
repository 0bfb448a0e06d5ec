/* Conformance mode against real emulators.
 *
 * Stock qemu-x86_64 enforces no CET: every case that expects a violation must be
 * graded missed-cp at the expected instruction (or wrong-effect, where the case first
 * needs a CET instruction's result or the kernel's CET ABI), every other case conforms
 * or is wrong-effect, and nothing is an emulator error.
 *
 * tests/emulator/ is a CET-enforcing TCG plugin with switchable bugs: each bug must
 * change the verdict of exactly the cases it breaks, with the right verdict. */
#include "run_helpers.h"

#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *build_dir(void)
{
    static char corpus[1024];
    snprintf(corpus, sizeof corpus, "%s", corpus_path(""));
    return dirname(corpus);    /* "build/corpus/" -> "build" */
}

/* suite --conformance over the NASM and freestanding C cases; extra: run options. */
static json_object *conformance_suite(const char *qemu, const char *const *extra)
{
    const char *args[16] = {"--build-dir", build_dir(), "-j", "2", "--conformance"};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i] && n < 13; i++)
        args[n++] = extra[i];
    args[n++] = "asm/cases";
    args[n++] = "cases/c";
    args[n] = NULL;
    return suite_report(qemu, args);
}

static const char *verdict_of(json_object *c)
{
    const char *v = json_str(c, "conformance.verdict");
    return v ? v : "(none)";
}

/* "violation shstk at=bad_ret ..." -> the label named by key ("at", "target"). */
static bool expected_label(json_object *c, const char *key, char *out, size_t cap)
{
    const char *line = json_str(c, "expect[0]");
    char needle[16];
    snprintf(needle, sizeof needle, " %s=", key);
    const char *p = line ? strstr(line, needle) : NULL;
    if (!p)
        return false;
    p += strlen(needle);
    snprintf(out, cap, "%.*s", (int)strcspn(p, " "), p);
    return true;
}

static bool symbol_is(const char *symbol, const char *label)
{
    size_t n = strlen(label);
    return symbol && strncmp(symbol, label, n) == 0 && (symbol[n] == '\0' || symbol[n] == '+');
}

/* Where a missed #CP must be: the target of a missing ENDBR64, else the at= label. */
static void check_missed_place(json_object *c, const char *name)
{
    char label[128];
    bool ibt = strstr(json_str(c, "expect[0]"), "violation ibt") != NULL;
    if (!expected_label(c, ibt ? "target" : "at", label, sizeof label))
        return;    /* a JIT target: no label to name */
    cr_expect(symbol_is(json_str(c, "conformance.pc_symbol"), label),
              "%s: missed-cp at %s, expected at %s", name, json_str(c, "conformance.pc_symbol"),
              label);
}

static void check_stock_case(json_object *c)
{
    const char *name = json_str(c, "name"), *verdict = verdict_of(c);
    const char *expect = json_str(c, "expect[0]");
    if (strcmp(json_str(c, "status"), "skip") == 0)
        return;
    bool violation = expect && strncmp(expect, "violation", 9) == 0;
    bool needs_cet_abi = strncmp(name, "ssp/", 4) == 0;
    if (violation && strcmp(verdict, "missed-cp") == 0)
        check_missed_place(c, name);
    else if (violation)
        cr_expect(needs_cet_abi && strcmp(verdict, "wrong-effect") == 0,
                  "%s expects a violation but is %s: %s", name, verdict,
                  json_str(c, "conformance.detail"));
    else
        cr_expect(strcmp(verdict, "conforms") == 0 || strcmp(verdict, "wrong-effect") == 0,
                  "%s is %s: %s", name, verdict, json_str(c, "conformance.detail"));
}

static json_object *case_named(json_object *suite, const char *name)
{
    json_object *cases = json_at(suite, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++)
        if (strcmp(json_str(json_object_array_get_idx(cases, i), "name"), name) == 0)
            return json_object_array_get_idx(cases, i);
    cr_assert_fail("no case %s in the report", name);
    return NULL;
}

Test(conformance, stock_qemu_misses_every_cp_and_answers_no_cet_instruction)
{
    json_object *suite = conformance_suite(NULL, NULL);
    json_object *cases = json_at(suite, "cases");
    size_t missed = 0;
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        check_stock_case(c);
        missed += strcmp(verdict_of(c), "missed-cp") == 0;
    }
    cr_assert_geq(missed, 30, "only %zu missed-cp", missed);
    cr_assert_str_eq(verdict_of(case_named(suite, "shstk/overwrite-ret")), "missed-cp");
    cr_assert_str_eq(verdict_of(case_named(suite, "ibt/call-reg-no-endbr")), "missed-cp");
    cr_assert_str_eq(json_str(case_named(suite, "ibt/call-reg-no-endbr"), "conformance.pc_symbol"),
                     "target");
    json_object *rdssp = case_named(suite, "ssp/rdssp-on");
    cr_assert_str_eq(verdict_of(rdssp), "wrong-effect");
    cr_assert(strstr(json_str(rdssp, "conformance.detail"), "rdssp"), "%s",
              json_str(rdssp, "conformance.detail"));
    cr_assert_str_eq(verdict_of(case_named(suite, "exit/exit-42")), "conforms");
    json_object_put(suite);
}
