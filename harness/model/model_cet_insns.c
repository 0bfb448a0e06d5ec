/* The CET instructions (CET.md 2.4-2.7): their faults and their architectural
 * effect.  QEMU runs them as NOPs or not at all, so the effect is the model's word. */
#include "model/model_internal.h"

/* RDSSP: a NOP with the shadow stack off (the "xor; rdssp" idiom reads 0); RDSSPD
 * gives SSP[31:0], zero-extended. */
static void rdssp(const shadow_stack *ss, bool wide, cet_verdict *v)
{
    if (!ss->enabled)
        return;
    v->outcome = CET_EFFECT;
    v->sets_dest = true;
    v->dest_value = wide ? ss->ssp : (ss->ssp & 0xffffffffULL);
}

static void rstorssp(cet_model *m, shadow_stack *ss, uint64_t addr, cet_verdict *v)
{
    bool carry = false;
    ss_result r = shadow_stack_rstorssp(ss, &m->shadow, addr, &carry);
    if (r == SS_FAULT_CP) {
        verdict_cp(v, CP_RSTORSSP, "rstorssp-token");
        v->has_expected = shadow_memory_peek(&m->shadow, addr, &v->expected);
        return;
    }
    if (r != SS_OK) {
        verdict_from_ss(v, r, "rstorssp operand misaligned or not on a shadow stack");
        v->fault_address = addr;
        return;
    }
    v->outcome = CET_EFFECT;
    v->sets_carry = true;
    v->carry = carry;
}

static void wrss(cet_model *m, const shadow_stack *ss, const cet_event *ev, cet_verdict *v)
{
    uint64_t addr = ev->u.cet.address, value = ev->u.cet.value;
    if (!ss->wrss_enabled) {
        verdict_fault(v, CET_FAULT_UD, "wrss with WRSS not enabled (#UD)");
        return;
    }
    if (addr & (ev->u.cet.wide ? 7 : 3)) {
        verdict_fault(v, CET_FAULT_GP, "wrss to a misaligned address (#GP)");
        return;
    }
    bool ok = ev->u.cet.wide ? shadow_memory_write(&m->shadow, addr, value)
                             : shadow_memory_write32(&m->shadow, addr, (uint32_t)value);
    if (!ok) {
        verdict_fault(v, CET_FAULT_PF, shadow_memory_contains(&m->shadow, addr, 4)
                                           ? "wrss to a read-only shadow stack (#PF)"
                                           : "wrss to memory that is no shadow stack (#PF)");
        v->fault_address = addr;
    }
}

int model_cet_insn(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    model_thread *t = model_thread_of(m, ev, v);
    if (!t)
        return -1;
    shadow_stack *ss = &t->ss;
    cet_insn_kind insn = ev->u.cet.insn;
    if (insn == CET_INSN_RDSSP) {
        rdssp(ss, ev->u.cet.wide, v);
        return 0;
    }
    /* Linux uses no supervisor shadow stack: SETSSBSY and CLRSSBSY are #UD, and
     * WRUSS at CPL3 is #GP (CET.md 2.6, 2.7). */
    if (insn == CET_INSN_SETSSBSY || insn == CET_INSN_CLRSSBSY) {
        verdict_fault(v, CET_FAULT_UD, "supervisor shadow-stack instruction in user mode (#UD)");
        return 0;
    }
    if (insn == CET_INSN_WRUSS) {
        verdict_fault(v, CET_FAULT_GP, "wruss in user mode (#GP)");
        return 0;
    }
    if (!ss->enabled) {
        verdict_fault(v, CET_FAULT_UD, "shadow-stack instruction with the shadow stack off (#UD)");
        return 0;
    }
    switch (insn) {
    case CET_INSN_INCSSP:
        verdict_from_ss(v, shadow_stack_incssp(ss, &m->shadow, ev->u.cet.value, ev->u.cet.wide ? 8 : 4),
                        "incssp past its shadow stack (#PF)");
        break;
    case CET_INSN_RSTORSSP:
        rstorssp(m, ss, ev->u.cet.address, v);
        break;
    case CET_INSN_SAVEPREVSSP:
        verdict_from_ss(v, shadow_stack_saveprevssp(ss, &m->shadow),
                        "saveprevssp without a previous-SSP token at SSP");
        break;
    case CET_INSN_WRSS:
        wrss(m, ss, ev, v);
        break;
    default:
        break;
    }
    return 0;
}
