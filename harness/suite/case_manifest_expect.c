/* The expect: directive: the outcome a case must have, checked word by word against
 * the known kinds, violation types and reasons, and kept in canonical form. */
#include "suite/case_manifest_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_types[] = {"ibt", "shstk"};
static const char *const known_reasons[] = {
    "missing-endbranch", "ret-mismatch", "ret-underflow", "far-ret-mismatch",
    "rstorssp-token", "saveprevssp-token", "wrss-disabled", "shstk-disabled-ud",
    "setssbsy", "rt-sigreturn-token",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static const char *kind_name(case_expect_kind k)
{
    static const char *const names[] = {"none", "clean", "violation", "crash", "signaled"};
    return names[k];
}

/* One expectation kind per case; only violation lines repeat. */
static int claim_kind(case_manifest *m, case_expect_kind k, char *p, size_t cap)
{
    if (m->kind == CASE_EXPECT_NONE || (k == CASE_EXPECT_VIOLATION && m->kind == k)) {
        m->kind = k;
        return 0;
    }
    if (m->kind == k)
        return manifest_problem(p, cap, "second expect: %s", kind_name(k));
    return manifest_problem(p, cap, "expect: %s conflicts with the earlier expect: %s",
                            kind_name(k), kind_name(m->kind));
}

static int parse_exit_code(const char *s, int *code)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 255)
        return -1;
    *code = (int)v;
    return 0;
}

static int expect_clean(case_manifest *m, words *w, char *p, size_t cap)
{
    if (claim_kind(m, CASE_EXPECT_CLEAN, p, cap))
        return -1;
    m->exit_code = 0;
    for (size_t i = 1; i < w->n; i++) {
        char *key, *value;
        if (manifest_split_pair(w->w[i], &key, &value) || strcmp(key, "exit") != 0)
            return manifest_problem(p, cap, "expect: clean takes only exit=N, not '%s'", w->w[i]);
        if (parse_exit_code(value, &m->exit_code))
            return manifest_problem(p, cap, "bad exit code '%s' (0..255)", value);
    }
    return 0;
}

static int set_violation_field(case_violation_expect *v, const char *key, const char *value,
                               char *p, size_t cap)
{
    if (strcmp(key, "exit") == 0) {
        if (v->has_exit)
            return manifest_problem(p, cap, "exit= given twice");
        v->has_exit = true;
        return parse_exit_code(value, &v->exit_code)
                   ? manifest_problem(p, cap, "bad exit code '%s' (0..255)", value) : 0;
    }
    char **slot = strcmp(key, "at") == 0       ? &v->at
                  : strcmp(key, "reason") == 0 ? &v->reason
                  : strcmp(key, "target") == 0 ? &v->target
                                               : NULL;
    if (!slot)
        return manifest_problem(p, cap, "unknown violation field '%s' (at, reason, target, exit)", key);
    if (*slot)
        return manifest_problem(p, cap, "%s= given twice", key);
    if (slot == &v->reason &&
        !in_list(value, known_reasons, sizeof known_reasons / sizeof *known_reasons))
        return manifest_problem(p, cap, "unknown violation reason '%s'", value);
    if (!(*slot = strdup(value)))
        return manifest_problem(p, cap, "out of memory");
    return 0;
}

void manifest_free_violation(case_violation_expect *v)
{
    free(v->type);
    free(v->at);
    free(v->reason);
    free(v->target);
}

static int fill_violation(case_violation_expect *v, words *w, char *p, size_t cap)
{
    if (w->n < 2 || strchr(w->w[1], '='))
        return manifest_problem(p, cap, "expect: violation needs a type (ibt or shstk)");
    if (!in_list(w->w[1], known_types, sizeof known_types / sizeof *known_types))
        return manifest_problem(p, cap, "unknown violation type '%s' (ibt or shstk)", w->w[1]);
    if (!(v->type = strdup(w->w[1])))
        return manifest_problem(p, cap, "out of memory");
    for (size_t i = 2; i < w->n; i++) {
        char *key, *value, *word = w->w[i];
        if (manifest_split_pair(word, &key, &value))
            return manifest_problem(p, cap, "expected key=value, got '%s'", word);
        if (set_violation_field(v, key, value, p, cap))
            return -1;
    }
    if (!v->at)
        return manifest_problem(p, cap, "expect: violation needs at=LABEL");
    return 0;
}

static int expect_violation(case_manifest *m, words *w, char *p, size_t cap)
{
    if (claim_kind(m, CASE_EXPECT_VIOLATION, p, cap))
        return -1;
    case_violation_expect v = {0};
    if (fill_violation(&v, w, p, cap)) {
        manifest_free_violation(&v);
        return -1;
    }
    case_violation_expect *grown =
        realloc(m->violations, (m->nviolations + 1) * sizeof *grown);
    if (!grown) {
        manifest_free_violation(&v);
        return manifest_problem(p, cap, "out of memory");
    }
    m->violations = grown;
    grown[m->nviolations++] = v;
    return 0;
}

static int expect_signal(case_manifest *m, case_expect_kind k, words *w, char *p, size_t cap)
{
    if (claim_kind(m, k, p, cap))
        return -1;
    char *key, *value;
    if (w->n != 2 || manifest_split_pair(w->w[1], &key, &value) || strcmp(key, "signal") != 0)
        return manifest_problem(p, cap, "expect: %s needs exactly signal=NAME", kind_name(k));
    int signo = case_signal_number(value);
    if (signo < 0)
        return manifest_problem(p, cap, "unknown signal '%s'", value);
    char name[32];
    if (!(m->signal = strdup(case_signal_name(signo, name, sizeof name))))
        return manifest_problem(p, cap, "out of memory");
    return 0;
}

int directive_expect(case_manifest *m, char *value, char *p, size_t cap)
{
    char line[1024];
    words w;
    if (manifest_split_words(value, &w) || manifest_join_words(&w, line, sizeof line))
        return manifest_problem(p, cap, "expect: line too long");
    if (w.n == 0)
        return manifest_problem(p, cap, "empty expect: (clean, violation, crash or signaled)");
    int rc;
    if (strcmp(w.w[0], "clean") == 0)
        rc = expect_clean(m, &w, p, cap);
    else if (strcmp(w.w[0], "violation") == 0)
        rc = expect_violation(m, &w, p, cap);
    else if (strcmp(w.w[0], "crash") == 0)
        rc = expect_signal(m, CASE_EXPECT_CRASH, &w, p, cap);
    else if (strcmp(w.w[0], "signaled") == 0)
        rc = expect_signal(m, CASE_EXPECT_SIGNALED, &w, p, cap);
    else
        return manifest_problem(p, cap,
                                "unknown expectation '%s' (clean, violation, crash or signaled)",
                                w.w[0]);
    if (rc != 0)
        return rc;
    /* The canonical form, so that reports read "clean exit=0" and "signal=SIGSEGV". */
    if (m->kind == CASE_EXPECT_CLEAN)
        snprintf(line, sizeof line, "clean exit=%d", m->exit_code);
    else if (m->kind == CASE_EXPECT_CRASH || m->kind == CASE_EXPECT_SIGNALED)
        snprintf(line, sizeof line, "%s signal=%s", kind_name(m->kind), m->signal);
    if (manifest_push_string(&m->expect_lines, &m->nexpect, line))
        return manifest_problem(p, cap, "out of memory");
    return 0;
}
