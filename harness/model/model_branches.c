/* Near and far CALL, RET and indirect branches (CET.md 1.2-1.4, 2.2, 2.3). */
#include "model/ibt_tracker.h"
#include "model/model_internal.h"

int model_indirect_branch(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    if (!m->config.ibt || !ibt_branch_is_tracked(ev->u.branch.far, ev->u.branch.notrack))
        return 0;
    if (!ibt_landing_ok(ev->u.branch.target_bytes))
        verdict_cp(v, CP_ENDBRANCH, "missing-endbranch");
    return 0;
}

int model_call(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    shadow_stack *ss;
    if (model_enabled_stack(m, ev, v, &ss) != 0)
        return -1;
    /* The "get RIP" idiom, a call to the next instruction, is not pushed (CET.md 2.2). */
    if (!ss || ev->u.call.zero_displacement)
        return 0;
    ss_result r = shadow_stack_push(ss, &m->shadow, ev->u.call.return_address);
    verdict_from_ss(v, r, "call ran off its shadow stack (#PF)");
    v->fault_address = ss->ssp - 8;
    return 0;
}

int model_ret(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    shadow_stack *ss;
    uint64_t expected;
    if (model_enabled_stack(m, ev, v, &ss) != 0)
        return -1;
    if (!ss)
        return 0;
    if (shadow_stack_peek(ss, &m->shadow, &expected) != SS_OK) {
        /* Reading past the top of the shadow stack is a #PF, not a #CP: SIGSEGV. */
        verdict_fault(v, CET_FAULT_PF, "ret with an empty shadow stack (#PF)");
        v->fault_address = ss->ssp;
        return 0;
    }
    if (expected != ev->u.ret.target) {
        verdict_cp(v, CP_NEAR_RET, "ret-mismatch");
        v->has_expected = true;
        v->expected = expected;
        return 0;   /* a fault: SSP stays on the mismatching entry */
    }
    ss->ssp += 8;
    return 0;
}

/* Not CET but the harness's policy under --on-violation=continue: after a near-ret
 * #CP the run goes on, so unwind to the entry that matches if one is close by (a
 * longjmp without INCSSP), else drop the one entry; after a far RET drop its frame. */
int model_resync(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    model_thread *t = model_thread_of(m, ev, v);
    uint64_t entries[64];
    if (!t)
        return -1;
    if (ev->u.resync.far) {
        t->ss.ssp += 24;    /* the far frame: CS, LIP, previous SSP */
        return 0;
    }
    size_t n = shadow_stack_dump(&t->ss, &m->shadow, entries, 64);
    for (size_t i = 0; i < n; i++)
        if (entries[i] == ev->u.resync.target) {
            t->ss.ssp += 8 * (i + 1);
            return 0;
        }
    t->ss.ssp += 8;
    return 0;
}

/* Far CALL: CS, the return LIP and the SSP before alignment (CET.md 2.3). */
int model_far_call(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    shadow_stack *ss;
    if (model_enabled_stack(m, ev, v, &ss) != 0)
        return -1;
    if (!ss)
        return 0;
    uint64_t prev = ss->ssp;
    if (ss->ssp & 7) {
        shadow_memory_write32(&m->shadow, ss->ssp - 4, 0);
        ss->ssp &= ~7ULL;
    }
    if (shadow_stack_push(ss, &m->shadow, ev->u.far_call.cs) != SS_OK ||
        shadow_stack_push(ss, &m->shadow, ev->u.far_call.return_address) != SS_OK ||
        shadow_stack_push(ss, &m->shadow, prev) != SS_OK) {
        ss->ssp = prev;
        verdict_fault(v, CET_FAULT_PF, "far call ran off its shadow stack (#PF)");
    }
    return 0;
}

int model_far_ret(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    shadow_stack *ss;
    if (model_enabled_stack(m, ev, v, &ss) != 0)
        return -1;
    if (!ss)
        return 0;
    uint64_t prev, lip, cs, before = ss->ssp;
    bool ok = !(ss->ssp & 7) && shadow_stack_pop(ss, &m->shadow, &prev) == SS_OK &&
              shadow_stack_pop(ss, &m->shadow, &lip) == SS_OK &&
              shadow_stack_pop(ss, &m->shadow, &cs) == SS_OK;
    if (!ok || cs != ev->u.far_ret.cs || lip != ev->u.far_ret.target || (prev & 3)) {
        ss->ssp = before;
        verdict_cp(v, CP_FAR_RET, "far-ret-mismatch");
        v->has_expected = ok;
        v->expected = ok ? lip : 0;
        return 0;
    }
    ss->ssp = prev;
    return 0;
}
