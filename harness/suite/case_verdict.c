/* Compares what a case expects with what its run did.  The run's pcs are run-time
 * addresses; labels resolve to link-time ones, so a PIE's load bias is recovered
 * from the symbol names the run itself reports ("f+0x4" at 0x555555555004). */
#include "suite/case_verdict.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct judge_ctx {
    const case_manifest *m;
    json_object *run;
    const label_resolver *labels;
    uint64_t bias;
    case_verdict *out;
} judge_ctx;

const char *verdict_status_name(verdict_status s)
{
    static const char *const names[] = {"pass", "fail", "error"};
    return names[s];
}

/* ------------------------------------------------------------ JSON access */

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, json_type_null) ? NULL : v;
}

static const char *member_str(json_object *o, const char *key)
{
    json_object *v = member(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool member_addr(json_object *o, const char *key, uint64_t *addr)
{
    const char *s = member_str(o, key);
    char *end;
    if (!s || !*s)
        return false;
    *addr = strtoull(s, &end, 16);
    return *end == '\0';
}

static size_t violation_count(json_object *run)
{
    json_object *v = member(run, "violations");
    return v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
}

static json_object *violation_at(json_object *run, size_t i)
{
    return json_object_array_get_idx(member(run, "violations"), i);
}

/* ----------------------------------------------------------------- labels */

/* From "name+0x1c" or "name" at run-time pc, the difference to name's link address. */
static bool bias_from_symbol(const label_resolver *labels, json_object *o, uint64_t *bias)
{
    uint64_t pc, addr, size, off = 0;
    const char *sym = member_str(o, "pc_symbol");
    if (!sym || !*sym || !member_addr(o, "pc", &pc))
        return false;
    char name[256];
    const char *plus = strrchr(sym, '+');
    size_t n = plus ? (size_t)(plus - sym) : strlen(sym);
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, sym, n);
    name[n] = '\0';
    if (plus && sscanf(plus + 1, "%" SCNx64, &off) != 1)
        return false;
    if (!labels->lookup(labels->ctx, name, &addr, &size))
        return false;
    *bias = pc - addr - off;
    return true;
}

static uint64_t find_bias(const label_resolver *labels, json_object *run)
{
    uint64_t bias = 0;
    for (size_t i = 0; i < violation_count(run); i++)
        if (bias_from_symbol(labels, violation_at(run, i), &bias))
            return bias;
    bias_from_symbol(labels, member(run, "crash"), &bias);
    return bias;
}

typedef enum { LABEL_MATCH, LABEL_DIFFERS, LABEL_UNKNOWN } label_check;

/* Size 0 (a NASM label) means that exact instruction; a sized symbol must contain addr. */
static label_check check_label(const judge_ctx *c, const char *label, uint64_t addr)
{
    uint64_t start, size;
    if (!c->labels || !c->labels->lookup(c->labels->ctx, label, &start, &size))
        return LABEL_UNKNOWN;
    uint64_t link = addr - c->bias;
    bool hit = size == 0 ? link == start : link >= start && link - start < size;
    return hit ? LABEL_MATCH : LABEL_DIFFERS;
}

/* --------------------------------------------------------------- observed */

static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}

static void describe_violation(json_object *v, char *buf, size_t cap)
{
    const char *sym = member_str(v, "pc_symbol"), *pc = member_str(v, "pc");
    append(buf, cap, "violation %s %s at ", member_str(v, "type") ? member_str(v, "type") : "?",
           member_str(v, "reason") ? member_str(v, "reason") : "?");
    if (sym && *sym)
        append(buf, cap, "%s (%s)", sym, pc ? pc : "?");
    else
        append(buf, cap, "%s", pc ? pc : "?");
}

static int run_signal(json_object *exit_obj)
{
    json_object *num = member(exit_obj, "signal");
    if (num && json_object_is_type(num, json_type_int))
        return json_object_get_int(num);
    return case_signal_number(member_str(exit_obj, "signal_name"));
}

static void describe_ending(json_object *run, char *buf, size_t cap)
{
    json_object *exit_obj = member(run, "exit"), *crash = member(run, "crash");
    const char *status = member_str(exit_obj, "status");
    char name[32];
    if (crash) {
        json_object *sig = member(crash, "signal");
        const char *sym = member_str(crash, "pc_symbol");
        append(buf, cap, "crash %s at %s", case_signal_name(sig ? json_object_get_int(sig) : -1,
                                                             name, sizeof name),
               member_str(crash, "pc") ? member_str(crash, "pc") : "?");
        if (sym && *sym)
            append(buf, cap, " <%s>", sym);
    } else if (status && strcmp(status, "exited") == 0) {
        json_object *code = member(exit_obj, "code");
        append(buf, cap, "clean exit=%d", code ? json_object_get_int(code) : -1);
    } else if (status && strcmp(status, "signaled") == 0) {
        append(buf, cap, "signaled %s", case_signal_name(run_signal(exit_obj), name, sizeof name));
    } else if (status && strcmp(status, "error") == 0) {
        const char *msg = member_str(exit_obj, "message");
        append(buf, cap, "harness error: %s", msg ? msg : "(no message)");
    } else {
        append(buf, cap, "%s", status ? status : "no exit status");
    }
}

static void describe_run(json_object *run, char *buf, size_t cap)
{
    buf[0] = '\0';
    size_t n = violation_count(run);
    for (size_t i = 0; i < n; i++) {
        if (i)
            append(buf, cap, "; ");
        describe_violation(violation_at(run, i), buf, cap);
    }
    if (n == 0)
        describe_ending(run, buf, cap);
}

/* ---------------------------------------------------------------- verdicts */

static void expected_text(const case_manifest *m, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < m->nexpect; i++)
        append(buf, cap, "%s%s", i ? "; " : "", m->expect_lines[i]);
}

/* Sets the verdict; detail (may be NULL) says precisely what differed. */
static void conclude(judge_ctx *c, verdict_status s, const char *detail)
{
    char expected[512];
    c->out->status = s;
    c->out->message[0] = '\0';
    if (s == VERDICT_PASS)
        return;
    expected_text(c->m, expected, sizeof expected);
    append(c->out->message, sizeof c->out->message, "expected %s, observed %s", expected,
           c->out->observed);
    if (detail && *detail)
        append(c->out->message, sizeof c->out->message, " (%s)", detail);
}

static void conclude_error(judge_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->out->message, sizeof c->out->message, fmt, ap);
    va_end(ap);
    c->out->status = VERDICT_ERROR;
}

static void judge_clean(judge_ctx *c)
{
    json_object *exit_obj = member(c->run, "exit");
    const char *status = member_str(exit_obj, "status");
    json_object *code = member(exit_obj, "code");
    bool ok = violation_count(c->run) == 0 && !member(c->run, "crash") && status &&
              strcmp(status, "exited") == 0 && code && json_object_get_int(code) == c->m->exit_code;
    conclude(c, ok ? VERDICT_PASS : VERDICT_FAIL, NULL);
}

static void judge_signal(judge_ctx *c)
{
    json_object *exit_obj = member(c->run, "exit");
    const char *status = member_str(exit_obj, "status");
    bool ok = violation_count(c->run) == 0 && status && strcmp(status, "signaled") == 0 &&
              run_signal(exit_obj) == case_signal_number(c->m->signal);
    conclude(c, ok ? VERDICT_PASS : VERDICT_FAIL, NULL);
}

/* Checks label against the address in v[key]; fills detail on a mismatch.
 * Returns false when the verdict is already an error (unknown label). */
static bool match_address(judge_ctx *c, json_object *v, const char *key, const char *label,
                          size_t index, char *detail, size_t cap)
{
    uint64_t addr;
    if (!member_addr(v, key, &addr)) {
        snprintf(detail, cap, "violation %zu has no %s", index + 1, key);
        return true;
    }
    switch (check_label(c, label, addr)) {
    case LABEL_UNKNOWN:
        conclude_error(c, "label '%s' is not a symbol of the case's program", label);
        return false;
    case LABEL_DIFFERS:
        snprintf(detail, cap, "violation %zu: %s 0x%" PRIx64 " is not at %s", index + 1, key,
                 addr, label);
        return true;
    case LABEL_MATCH:
        return true;
    }
    return true;
}

/* Returns false on an error verdict; detail stays empty when v matches e. */
static bool match_violation(judge_ctx *c, const case_violation_expect *e, json_object *v,
                            size_t i, char *detail, size_t cap)
{
    const char *type = member_str(v, "type"), *reason = member_str(v, "reason");
    detail[0] = '\0';
    if (!type || strcmp(type, e->type) != 0) {
        snprintf(detail, cap, "violation %zu: type %s, expected %s", i + 1, type ? type : "?",
                 e->type);
        return true;
    }
    if (!match_address(c, v, "pc", e->at, i, detail, cap))
        return false;
    if (*detail)
        return true;
    if (e->reason && (!reason || strcmp(reason, e->reason) != 0)) {
        snprintf(detail, cap, "violation %zu: reason %s, expected %s", i + 1,
                 reason ? reason : "?", e->reason);
        return true;
    }
    if (e->target && !match_address(c, v, "target", e->target, i, detail, cap))
        return false;
    return true;
}

/* exit=N on the last violation line: the guest went on (its SIGSEGV handler, or
 * --on-violation=continue) and exited with N. */
static void check_exit_after(judge_ctx *c, const case_violation_expect *e, char *detail, size_t cap)
{
    if (!e->has_exit)
        return;
    json_object *exit_obj = member(c->run, "exit"), *code = member(exit_obj, "code");
    const char *status = member_str(exit_obj, "status");
    if (!status || strcmp(status, "exited") != 0 || !code || json_object_get_int(code) != e->exit_code)
        snprintf(detail, cap, "after the violation the guest should exit with %d, but it %s %d",
                 e->exit_code, status ? status : "ended", code ? json_object_get_int(code) : -1);
}

static void judge_violations(judge_ctx *c)
{
    char detail[256] = "";
    size_t have = violation_count(c->run), want = c->m->nviolations;
    for (size_t i = 0; i < have && i < want && !*detail; i++)
        if (!match_violation(c, &c->m->violations[i], violation_at(c->run, i), i, detail,
                             sizeof detail))
            return;
    if (!*detail && have != want)
        snprintf(detail, sizeof detail, "%zu violation%s expected, %zu observed", want,
                 want == 1 ? "" : "s", have);
    if (!*detail && want > 0)
        check_exit_after(c, &c->m->violations[want - 1], detail, sizeof detail);
    conclude(c, *detail ? VERDICT_FAIL : VERDICT_PASS, detail);
}

/* Runs that ended without an answer cannot be judged at all. */
static bool judge_unfinished(judge_ctx *c)
{
    json_object *exit_obj = member(c->run, "exit");
    const char *status = member_str(exit_obj, "status");
    if (!status) {
        conclude_error(c, "run JSON has no exit.status");
        return true;
    }
    if (strcmp(status, "timeout") == 0) {
        conclude_error(c, "timed out");
        return true;
    }
    if (strcmp(status, "error") == 0) {
        const char *msg = member_str(exit_obj, "message");
        conclude_error(c, "harness error: %s", msg ? msg : "(no message)");
        return true;
    }
    return false;
}

void case_verdict_judge(const case_manifest *m, json_object *run, const label_resolver *labels,
                        case_verdict *out)
{
    memset(out, 0, sizeof *out);
    judge_ctx c = {.m = m, .run = run, .labels = labels, .out = out};
    if (!run) {
        snprintf(out->observed, sizeof out->observed, "no run JSON");
        conclude_error(&c, "the run wrote no JSON");
        return;
    }
    if (labels)
        c.bias = find_bias(labels, run);
    describe_run(run, out->observed, sizeof out->observed);
    if (judge_unfinished(&c))
        return;
    switch (m->kind) {
    case CASE_EXPECT_CLEAN: judge_clean(&c); break;
    case CASE_EXPECT_CRASH:
    case CASE_EXPECT_SIGNALED: judge_signal(&c); break;
    case CASE_EXPECT_VIOLATION: judge_violations(&c); break;
    case CASE_EXPECT_NONE: conclude_error(&c, "the case states no expectation"); break;
    }
}
