/* From a thread's last block and the block it executes next, the control transfer that
 * connects them, as model events: a call, a return, an indirect branch with its target's
 * bytes.  A verdict of #CP becomes a violation, reported as the RSP engine reports it. */
#include "decode/insn.h"
#include "engine/trace/trace_state.h"

#include <stdio.h>
#include <string.h>

int64_t trace_model_tid(const trace_state *s, const trace_thread *t)
{
    return (int64_t)(t - s->threads) + 1;   /* the vCPU: one live thread each */
}

static int apply(trace_state *s, trace_thread *t, cet_event *ev, cet_verdict *v)
{
    ev->tid = trace_model_tid(s, t);
    if (cet_model_apply(s->model, ev, v) == 0)
        return 0;
    snprintf(s->out->message, sizeof s->out->message,
             "the CET model could not take a %s event of thread %d: %s",
             cet_event_kind_name(ev->kind), t->number, v->note ? v->note : "?");
    return -1;
}

static void insn_text_at(const trace_state *s, uint64_t pc, char *buf, size_t cap)
{
    const trace_block *b = trace_block_at(s, pc);
    insn in;
    buf[0] = '\0';
    if (b && insn_decode(s->insns[b->first].bytes, s->insns[b->first].len, pc, &in) == 0)
        snprintf(buf, cap, "%s", in.text);
}

static void record(trace_state *s, trace_thread *t, const cet_verdict *v, const insn *branch,
                   uint64_t target)
{
    insn decoded, *in = &decoded;
    if (insn_decode(branch->bytes, branch->len, branch->addr, &decoded) != 0)
        decoded = *branch;
    violation *r = run_outcome_add_violation(s->out);
    if (r) {
        r->ibt = v->cp == CP_ENDBRANCH;
        r->reason = v->reason;
        r->thread = t->number;
        r->tid = t->tid;
        r->pc = in->addr;
        r->target = target;
        r->has_target = true;
        r->expected = v->expected;
        r->has_expected = v->has_expected;
        snprintf(r->insn_text, sizeof r->insn_text, "%.79s", in->text);
        insn_text_at(s, target, r->target_text, sizeof r->target_text);
        r->stack_depth = cet_model_shadow_dump(s->model, trace_model_tid(s, t), r->stack,
                                               SHADOW_DUMP_MAX);
    }
    if (s->opt->on_violation != ON_VIOLATION_CONTINUE && !s->stop) {
        s->stop = true;
        run_outcome_warn(s->out, "the %s engine ends the guest soon after the first "
                         "violation, not at it (--engine=rsp stops it there)", s->out->engine_name);
    }
}

/* A fault the model raises where QEMU went on (a return past the top of the shadow
 * stack, #PF): the guest would have died here; say so once. */
static void fault(trace_state *s, trace_thread *t, const cet_verdict *v, uint64_t pc)
{
    run_outcome_warn(s->out, "thread %d: %s at 0x%llx: CET hardware faults there (the %s "
                     "engine does not stop the guest)", t->number, v->note ? v->note : "a fault",
                     (unsigned long long)pc, s->out->engine_name);
}

static int indirect(trace_state *s, trace_thread *t, const insn *in, uint64_t to)
{
    cet_event ev = {.kind = CET_EVENT_INDIRECT_BRANCH};
    cet_verdict v;
    if (!cet_model_ibt(s->model))
        return 0;
    trace_bytes_at(s, to, ev.u.branch.target_bytes);
    ev.u.branch.target = to;
    ev.u.branch.far = in->kind == INSN_CALL_FAR || in->kind == INSN_JMP_FAR;
    ev.u.branch.notrack = in->notrack;
    if (apply(s, t, &ev, &v) != 0)
        return -1;
    if (v.outcome == CET_FAULT_CP)
        record(s, t, &v, in, to);
    return 0;
}

static int call(trace_state *s, trace_thread *t, const insn *in, uint64_t to)
{
    uint64_t ret = in->addr + in->len;
    cet_event ev = {.kind = CET_EVENT_CALL, .u.call = {ret, in->kind == INSN_CALL_DIRECT && to == ret}};
    cet_verdict v;
    s->out->stats.calls++;
    if (in->kind == INSN_CALL_INDIRECT && indirect(s, t, in, to) != 0)
        return -1;
    if (apply(s, t, &ev, &v) != 0)
        return -1;
    if (v.outcome != CET_NOTHING)
        fault(s, t, &v, in->addr);
    return 0;
}

static int ret(trace_state *s, trace_thread *t, const insn *in, uint64_t to)
{
    cet_event ev = {.kind = CET_EVENT_RET, .u.ret.target = to};
    cet_verdict v;
    uint64_t top;
    s->out->stats.rets++;
    /* A handler's return to the restorer the log did not show: accepted. */
    if (!s->dispositions_known &&
        cet_model_shadow_dump(s->model, trace_model_tid(s, t), &top, 1) == 1 &&
        top == TRACE_RESTORER_UNKNOWN)
        ev.u.ret.target = top;
    if (apply(s, t, &ev, &v) != 0)
        return -1;
    if (v.outcome == CET_FAULT_CP) {
        record(s, t, &v, in, to);
        cet_event resync = {.kind = CET_EVENT_RESYNC, .u.resync = {to, false}};
        return apply(s, t, &resync, &v);
    }
    if (v.outcome != CET_NOTHING)
        fault(s, t, &v, in->addr);
    return 0;
}

/* CET instructions run inside blocks (QEMU treats them as NOPs); their operands are in
 * registers neither QEMU's log nor a plugin of API version 1 shows. */
void trace_note_cet_instructions(trace_state *s, const trace_block *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const qlog_insn *q = &s->insns[b->first + i];
        insn in;
        if (insn_decode(q->bytes, q->len, q->addr, &in) != 0 || in.kind < INSN_RDSSP ||
            in.kind > INSN_WRUSS)
            continue;
        s->out->stats.cet_insns++;
        run_outcome_warn(s->out, "%s at 0x%llx: the %s engine cannot see its operands nor "
                         "give it its result, so the model no longer follows this thread "
                         "exactly (--engine=rsp does)", in.text, (unsigned long long)in.addr,
                         s->out->engine_name);
    }
}

/* Only blocks that end in a branch the model checks are decoded again, for the
 * instruction's operands and text. */
bool trace_ends_in_checked_transfer(int kind)
{
    switch (kind) {
    case INSN_CALL_DIRECT: case INSN_CALL_INDIRECT: case INSN_RET: case INSN_RET_IMM:
    case INSN_JMP_INDIRECT: case INSN_CALL_FAR: case INSN_JMP_FAR: case INSN_RET_FAR:
    case INSN_IRET:
        return true;
    default:
        return false;
    }
}

int trace_transfer(trace_state *s, trace_thread *t, size_t from_block, uint64_t to)
{
    const trace_block *b = &s->blocks[from_block];
    const qlog_insn *last = &s->insns[b->first + b->n - 1];
    if (b->has_cet_insn)
        trace_note_cet_instructions(s, b);
    if (!trace_ends_in_checked_transfer(b->last_kind))
        return 0;
    /* What the checks need, field by field: zeroing the whole insn (its text) for every
     * transfer was the engines' largest single cost.  The text is decoded only for a
     * report. */
    insn in;
    in.addr = last->addr;
    in.len = last->len;
    in.kind = (insn_kind)b->last_kind;
    in.notrack = b->last_notrack;
    in.text[0] = '\0';
    memcpy(in.bytes, last->bytes, sizeof in.bytes);
    switch (in.kind) {
    case INSN_CALL_DIRECT:
    case INSN_CALL_INDIRECT:
        return call(s, t, &in, to);
    case INSN_RET:
    case INSN_RET_IMM:
        return ret(s, t, &in, to);
    case INSN_JMP_INDIRECT:
        s->out->stats.indirect++;
        return indirect(s, t, &in, to);
    case INSN_CALL_FAR:
    case INSN_JMP_FAR:
    case INSN_RET_FAR:
    case INSN_IRET:
        run_outcome_warn(s->out, "a far transfer at 0x%llx: the %s engine does not see the "
                         "code selector, so it does not check it (--engine=rsp does)",
                         (unsigned long long)in.addr, s->out->engine_name);
        return 0;
    default:
        return 0;
    }
}
