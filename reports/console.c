#include "reports.h"
#include "report_fields.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define ANSI_HEADLINE "\033[1;31m"
#define ANSI_RESET "\033[0m"

static void print_headline(FILE *out, json_object *v, int color)
{
    const char *reason = rep_field_str(v, "reason", "");
    fprintf(out, "%s==CET== %s violation", color ? ANSI_HEADLINE : "",
            rep_violation_kind(rep_field_str(v, "type", "")));
    if (*reason)
        fprintf(out, " (%s)", reason);
    if (rep_field_has_int(v, "thread"))
        fprintf(out, " in thread %" PRId64, rep_field_int(v, "thread", 0));
    if (rep_field_has_int(v, "tid"))
        fprintf(out, " (tid %" PRId64 ")", rep_field_int(v, "tid", 0));
    fprintf(out, "%s\n", color ? ANSI_RESET : "");
}

/* "  LABEL ADDR <SYMBOL>:  INSN SUFFIX", leaving out what the run did not record. */
static void print_location(FILE *out, const char *label, const char *addr,
                           const char *symbol, const char *insn, const char *suffix)
{
    fprintf(out, "  %s %s", label, addr);
    if (symbol && *symbol)
        fprintf(out, " <%s>", symbol);
    if (insn && *insn)
        fprintf(out, ":  %s", insn);
    fprintf(out, "%s\n", suffix);
}

static void print_shadow_stack(FILE *out, json_object *v)
{
    json_object *stack = rep_field_array(v, "shadow_stack");
    json_object *symbols = rep_field_array(v, "shadow_stack_symbols");
    if (!stack)
        return;
    size_t n = json_object_array_length(stack);
    size_t nsym = symbols ? json_object_array_length(symbols) : 0;
    if (n == 0) {
        fprintf(out, "  shadow stack: empty\n");
        return;
    }
    fprintf(out, "  shadow stack (top first):\n");
    for (size_t i = 0; i < n; i++) {
        const char *addr = json_object_get_string(json_object_array_get_idx(stack, i));
        const char *sym = i < nsym ? json_object_get_string(
                                         json_object_array_get_idx(symbols, i)) : NULL;
        fprintf(out, "    #%zu %s", i, addr ? addr : "?");
        if (sym && *sym)
            fprintf(out, " <%s>", sym);
        fputc('\n', out);
    }
}

void report_console_violation(FILE *out, json_object *violation, int color)
{
    const char *reason = rep_field_str(violation, "reason", "");
    const char *pc = rep_field_str(violation, "pc", NULL);
    const char *target = rep_field_str(violation, "target", NULL);
    const char *expected = rep_field_str(violation, "expected", NULL);

    print_headline(out, violation, color);
    if (pc)
        print_location(out, "at", pc, rep_field_str(violation, "pc_symbol", NULL),
                       rep_field_str(violation, "insn", NULL), "");
    if (target)
        print_location(out, rep_target_label(reason), target,
                       rep_field_str(violation, "target_symbol", NULL),
                       rep_field_str(violation, "target_insn", NULL),
                       strcmp(reason, "missing-endbranch") == 0 ? " (no ENDBR64)" : "");
    if (expected)
        print_location(out, "expected  ", expected,
                       rep_field_str(violation, "expected_symbol", NULL), NULL, "");
    print_shadow_stack(out, violation);
}

/* Signals a program's own fault raises; SIGTERM, SIGPIPE, SIGKILL... end it from outside. */
static bool is_fault(const char *signal_name)
{
    static const char *const faults[] = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP",
                                         "SIGABRT", "SIGSYS"};
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        if (strcmp(signal_name, faults[i]) == 0)
            return true;
    return false;
}

/* Who ended: the guest, or the program it exec'd (QEMU's process, run natively). */
static const char *ender(json_object *run, char *buf, size_t cap)
{
    json_object *exec = rep_field_obj(rep_field_obj(run, "not_checked"), "exec");
    if (!exec)
        return "guest";
    snprintf(buf, cap, "%s (exec'd by the guest)", rep_field_str(exec, "program", "?"));
    return buf;
}

static void print_exit(FILE *out, json_object *run)
{
    char who_buf[512];
    const char *who = ender(run, who_buf, sizeof who_buf);
    json_object *exit_info = rep_field_obj(run, "exit");
    json_object *crash = rep_field_obj(run, "crash");
    const char *status = rep_field_str(exit_info, "status", "");
    const char *message = rep_field_str(exit_info, "message", "");
    if (crash && is_fault(rep_field_str(crash, "signal_name", ""))) {
        fprintf(out, "guest killed by %s (crash, no CET cause)",
                rep_field_str(crash, "signal_name", "a signal"));
        const char *pc = rep_field_str(crash, "pc", NULL);
        const char *sym = rep_field_str(crash, "pc_symbol", NULL);
        if (pc)
            fprintf(out, " at %s", pc);
        if (pc && sym && *sym)
            fprintf(out, " <%s>", sym);
    } else if (strcmp(status, "exited") == 0 && rep_field_has_int(exit_info, "code")) {
        fprintf(out, "%s exited with %" PRId64, who, rep_field_int(exit_info, "code", 0));
    } else if (strcmp(status, "exited") == 0) {
        fprintf(out, "guest stopped by the harness");
    } else if (strcmp(status, "signaled") == 0 && strncmp(message, "stopped by cetharness", 21) == 0) {
        fprintf(out, "guest ended by cetharness %s", message + 22);
    } else if (strcmp(status, "signaled") == 0) {
        fprintf(out, "%s killed by %s", who, rep_field_str(exit_info, "signal_name", "a signal"));
    } else if (strcmp(status, "timeout") == 0) {
        fprintf(out, "%s timed out: %s", who, *message ? message : "the time limit passed");
    } else {
        fprintf(out, "harness error: %s",
                rep_field_str(exit_info, "message", "the run did not finish"));
    }
}

static bool same_field(json_object *a, json_object *b, const char *key)
{
    return strcmp(rep_field_str(a, key, ""), rep_field_str(b, key, "")) == 0;
}

/* The same reason at the same instruction to the same target as an earlier violation:
 * shown once, as sanitizers do (--on-violation=continue over a non-CET libc finds the
 * same few branches hundreds of times); the JSON keeps every one. */
static bool repeats_an_earlier_one(json_object *violations, size_t i)
{
    json_object *v = json_object_array_get_idx(violations, i);
    for (size_t j = 0; j < i; j++) {
        json_object *w = json_object_array_get_idx(violations, j);
        if (same_field(v, w, "reason") && same_field(v, w, "pc") && same_field(v, w, "target"))
            return true;
    }
    return false;
}

void report_console_run(FILE *out, json_object *run, int color)
{
    json_object *violations = rep_field_array(run, "violations");
    json_object *warnings = rep_field_array(run, "warnings");
    size_t nv = violations ? json_object_array_length(violations) : 0;
    size_t nw = warnings ? json_object_array_length(warnings) : 0;
    size_t repeats = 0;

    for (size_t i = 0; i < nv; i++) {
        if (repeats_an_earlier_one(violations, i)) {
            repeats++;
            continue;
        }
        report_console_violation(out, json_object_array_get_idx(violations, i), color);
        fputc('\n', out);
    }
    json_object *conformance = rep_field_obj(run, "conformance");
    if (conformance)
        report_console_conformance(out, conformance, color);
    if (repeats > 0)
        fprintf(out, "cetharness: %zu more at the same branches and targets, not shown (all are "
                     "in the JSON report)\n", repeats);
    for (size_t i = 0; i < nw; i++)
        fprintf(out, "cetharness: warning: %s\n",
                json_object_get_string(json_object_array_get_idx(warnings, i)));
    report_console_not_checked(out, run);

    fprintf(out, "cetharness: ");
    report_console_summary(out, run);
    fputc('\n', out);
}

void report_console_summary(FILE *out, json_object *run)
{
    json_object *violations = rep_field_array(run, "violations");
    size_t kept = violations ? json_object_array_length(violations) : 0;
    size_t nv = rep_field_has_int(run, "violations_total")
                    ? (size_t)rep_field_int(run, "violations_total", 0) : kept;
    int exited = strcmp(rep_field_str(rep_field_obj(run, "exit"), "status", ""), "exited") == 0;
    json_object *conformance = rep_field_obj(run, "conformance");
    if (conformance)
        fprintf(out, "conformance: %s; ", rep_field_str(conformance, "verdict", "?"));
    else if (nv > kept)
        fprintf(out, "%zu CET violations (the JSON report holds the first %zu); ", nv, kept);
    else if (nv > 0)
        fprintf(out, "%zu CET violation%s; ", nv, nv == 1 ? "" : "s");
    else if (exited && !rep_field_obj(run, "crash"))
        fprintf(out, "no CET violations%s; ", report_run_incomplete(run) ? " in what was checked" : "");
    print_exit(out, run);
}
