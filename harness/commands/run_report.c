#include "commands/run_report.h"

#include "qemu/gdb_signals.h"
#include "report_fields.h"

#include <stdio.h>

static json_object *hex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
    return json_object_new_string(buf);
}

static json_object *symbol(const run_outcome *out, uint64_t addr)
{
    char buf[512];
    return json_object_new_string(run_outcome_symbolize(out, addr, buf, sizeof buf));
}

static json_object *violation_json(const run_outcome *out, const violation *v)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string(v->ibt ? "ibt" : "shstk"));
    json_object_object_add(o, "reason", json_object_new_string(v->reason));
    json_object_object_add(o, "thread", json_object_new_int(v->thread));
    json_object_object_add(o, "tid", v->tid > 0 ? json_object_new_int64(v->tid) : NULL);
    json_object_object_add(o, "pc", hex(v->pc));
    json_object_object_add(o, "pc_symbol", symbol(out, v->pc));
    json_object_object_add(o, "insn", json_object_new_string(v->insn_text));
    if (v->has_target) {
        json_object_object_add(o, "target", hex(v->target));
        json_object_object_add(o, "target_symbol", symbol(out, v->target));
        json_object_object_add(o, "target_insn", json_object_new_string(v->target_text));
    }
    if (v->has_expected) {
        json_object_object_add(o, "expected", hex(v->expected));
        json_object_object_add(o, "expected_symbol", symbol(out, v->expected));
    }
    json_object *stack = json_object_new_array(), *syms = json_object_new_array();
    for (size_t i = 0; i < v->stack_depth; i++) {
        json_object_array_add(stack, hex(v->stack[i]));
        json_object_array_add(syms, symbol(out, v->stack[i]));
    }
    json_object_object_add(o, "shadow_stack", stack);
    json_object_object_add(o, "shadow_stack_symbols", syms);
    return o;
}

static const char *end_name(run_end end)
{
    switch (end) {
    case END_EXITED: return "exited";
    case END_SIGNALED: case END_STOPPED: return "signaled";
    case END_TIMEOUT: return "timeout";
    default: return "error";
    }
}

static json_object *exit_json(const run_outcome *out, bool conformance, const char *message)
{
    json_object *o = json_object_new_object();
    run_end end = out ? out->end : END_ERROR;
    int sig = end == END_SIGNALED ? out->exit_signal : end == END_STOPPED ? 9 : 0;
    json_object_object_add(o, "status", json_object_new_string(end_name(end)));
    json_object_object_add(o, "code", end == END_EXITED ? json_object_new_int(out->exit_code) : NULL);
    json_object_object_add(o, "signal", sig ? json_object_new_int(sig) : NULL);
    json_object_object_add(o, "signal_name", sig ? json_object_new_string(linux_signal_name(sig)) : NULL);
    if (end == END_STOPPED && conformance)
        message = "stopped by cetharness once the conformance verdict was decided";
    else if (end == END_STOPPED)
        message = "stopped by cetharness at the first CET violation (--on-violation=stop)";
    char limit[160];
    if (end == END_TIMEOUT) {
        snprintf(limit, sizeof limit, "the guest did not finish within %g s (--timeout) and was "
                 "killed; what it had not yet written is lost", out ? out->opt->timeout_s : 0.0);
        message = limit;
    }
    json_object_object_add(o, "message", message && *message ? json_object_new_string(message) : NULL);
    return o;
}

static json_object *crash_json(const run_outcome *out)
{
    if (!out || !out->crashed)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "signal", json_object_new_int(out->crash_signal));
    json_object_object_add(o, "signal_name", json_object_new_string(linux_signal_name(out->crash_signal)));
    json_object_object_add(o, "pc", hex(out->crash_pc));
    json_object_object_add(o, "pc_symbol", symbol(out, out->crash_pc));
    return o;
}

static json_object *stats_json(const run_outcome *out, const run_context *ctx)
{
    json_object *o = json_object_new_object();
    const run_stats *s = out ? &out->stats : &(run_stats){0};
    json_object_object_add(o, "stops", json_object_new_int64((int64_t)s->stops));
    json_object_object_add(o, "steps", json_object_new_int64((int64_t)s->steps));
    json_object_object_add(o, "calls", json_object_new_int64((int64_t)s->calls));
    json_object_object_add(o, "rets", json_object_new_int64((int64_t)s->rets));
    json_object_object_add(o, "fused_rets", json_object_new_int64((int64_t)s->fused_rets));
    json_object_object_add(o, "indirect", json_object_new_int64((int64_t)s->indirect));
    json_object_object_add(o, "breakpoints", json_object_new_int64((int64_t)s->breakpoints));
    json_object_object_add(o, "breakpoint_flushes", json_object_new_int64((int64_t)s->breakpoint_flushes));
    json_object_object_add(o, "syscalls", json_object_new_int64((int64_t)s->syscalls));
    json_object_object_add(o, "signals", json_object_new_int64((int64_t)s->signals));
    json_object_object_add(o, "cet_insns", json_object_new_int64((int64_t)s->cet_insns));
    uint64_t rt = s->round_trips;
    json_object_object_add(o, "round_trips", json_object_new_int64((int64_t)rt));
    json_object_object_add(o, "wall_s", rep_new_seconds(ctx->wall_s));
    return o;
}

static json_object *strings_json(char *const *items, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(items[i]));
    return a;
}

/* What the run did not check: the program the guest exec'd, the children it forked and
 * what they exec'd (null when the engine cannot see it), and whether the trace engine
 * stopped checking the guest itself at its first fork. */
static json_object *not_checked_json(const run_outcome *out)
{
    const run_unchecked *u = &out->unchecked;
    json_object *o = json_object_new_object(), *exec = NULL;
    if (u->exec_program) {
        exec = json_object_new_object();
        json_object_object_add(exec, "program", json_object_new_string(u->exec_program));
        json_object_object_add(exec, "argv", strings_json(u->exec_argv, u->exec_argc));
    }
    json_object_object_add(o, "exec", exec);
    json_object_object_add(o, "children", json_object_new_int64((int64_t)u->children));
    json_object_object_add(o, "children_exact", json_object_new_boolean(u->children_exact));
    json_object_object_add(o, "children_programs", u->child_programs_known
                               ? strings_json(u->child_programs, u->nchild_programs) : NULL);
    json_object_object_add(o, "guest_after_fork", json_object_new_boolean(u->guest_after_fork));
    return o;
}

/* Conformance mode: the verdict, where, why, and what the emulator said last. */
static json_object *conformance_json(const run_outcome *out, const conformance_state *c)
{
    const conformance_finding *f = &c->finding;
    bool found = c->has_finding;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "verdict", json_object_new_string(
                               conformance_verdict_name(found ? f->verdict : CONFORMS)));
    json_object_object_add(o, "pc", found && f->has_pc ? hex(f->pc) : NULL);
    json_object_object_add(o, "pc_symbol", found && f->has_pc ? symbol(out, f->pc) : NULL);
    json_object_object_add(o, "insn", found && f->insn_text[0] ? json_object_new_string(f->insn_text) : NULL);
    json_object_object_add(o, "detail", found ? json_object_new_string(f->detail) : NULL);
    json_object *stack = json_object_new_array();
    for (size_t i = 0; found && i < f->stack_depth; i++)
        json_object_array_add(stack, hex(f->stack[i]));
    json_object_object_add(o, "shadow_stack", stack);
    json_object_object_add(o, "si_code_checked", json_object_new_boolean(c->siginfo > 0));
    json_object_object_add(o, "predicted_cps", json_object_new_int64((int64_t)c->predicted_cps));
    json_object_object_add(o, "delivered_cps", json_object_new_int64((int64_t)c->delivered_cps));
    json_object_object_add(o, "emulator_stderr", c->emulator_stderr[0]
                                                     ? json_object_new_string(c->emulator_stderr) : NULL);
    return o;
}

json_object *run_report_build(const run_outcome *out, const conformance_state *conf,
                              const run_context *ctx, const char *message)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "program", json_object_new_string(ctx->program ? ctx->program : ""));
    json_object *argv = json_object_new_array();
    json_object_array_add(argv, json_object_new_string(ctx->program ? ctx->program : ""));
    for (size_t i = 0; i < ctx->argc; i++)
        json_object_array_add(argv, json_object_new_string(ctx->argv[i]));
    json_object_object_add(o, "argv", argv);
    json_object *q = json_object_new_object();
    json_object_object_add(q, "path", json_object_new_string(ctx->qemu_path ? ctx->qemu_path : ""));
    json_object_object_add(q, "version", json_object_new_string(ctx->qemu_version ? ctx->qemu_version : ""));
    json_object_object_add(o, "qemu", q);
    if (out) {
        json_object_object_add(o, "engine", json_object_new_string(out->engine_name));
        json_object *cet = json_object_new_object();
        json_object_object_add(cet, "ibt", json_object_new_boolean(out->opt->ibt));
        json_object_object_add(cet, "shstk", json_object_new_boolean(out->opt->shstk));
        json_object_object_add(cet, "shstk_follows_program",
                               json_object_new_boolean(out->opt->shstk_follows_program));
        json_object_object_add(cet, "on_violation",
                               json_object_new_string(violation_mode_name(out->opt->on_violation)));
        json_object_object_add(o, "cet", cet);
    }
    json_object_object_add(o, "exit", exit_json(out, conf && conf->on, message));
    json_object_object_add(o, "crash", crash_json(out));
    json_object *vs = json_object_new_array();
    for (size_t i = 0; out && i < out->nviolations; i++)
        json_object_array_add(vs, violation_json(out, &out->violations[i]));
    json_object_object_add(o, "violations", vs);
    /* Past MAX_VIOLATIONS the records are counted, not kept. */
    json_object_object_add(o, "violations_total", json_object_new_int64(
                               out ? (int64_t)(out->nviolations + out->violations_dropped) : 0));
    json_object *ws = json_object_new_array();
    for (size_t i = 0; out && i < out->nwarnings; i++)
        json_object_array_add(ws, json_object_new_string(out->warnings[i]));
    json_object_object_add(o, "warnings", ws);
    if (out)
        json_object_object_add(o, "not_checked", not_checked_json(out));
    if (out && conf && conf->on)
        json_object_object_add(o, "conformance", conformance_json(out, conf));
    json_object_object_add(o, "stats", stats_json(out, ctx));
    return o;
}
