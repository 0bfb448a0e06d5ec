/* The CET instructions QEMU runs as NOPs or does not know (CET.md 2.4-2.7): the model
 * says what each does, and in reference mode the harness carries that out on the
 * guest's registers, then resumes after the instruction.  Faults become the signal
 * Linux delivers: #UD -> SIGILL, #GP and #PF -> SIGSEGV. */
#include "engine/engine.h"
#include "qemu/gdb_signals.h"

#include <stdio.h>

enum { EFLAGS_CF = 1 << 0, EFLAGS_PF = 1 << 2, EFLAGS_AF = 1 << 4, EFLAGS_ZF = 1 << 6,
       EFLAGS_SF = 1 << 7, EFLAGS_OF = 1 << 11 };

/* Resume after the instruction, which the explorer has not seen past. */
static int skip(engine *e, const insn *in, resume_action *how)
{
    how->kind = RESUME_CONTINUE_AT;
    how->addr = in->addr + in->len;
    return engine_explore(e, how->addr);
}

/* RSTORSSP: CF := the token's bit 2, ZF, SF, OF, AF, PF := 0. */
static int set_rstorssp_flags(engine *e, bool carry)
{
    uint32_t flags = e->regs.eflags & ~(uint32_t)(EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF |
                                                  EFLAGS_SF | EFLAGS_OF);
    if (carry)
        flags |= EFLAGS_CF;
    if (rsp_write_register(e->rsp, REG_EFLAGS, &flags, sizeof flags) != RSP_OK)
        return engine_rsp_fail(e, "cannot write eflags");
    e->regs.eflags = flags;
    return 0;
}

static const cet_insn_kind cet_kind_of[INSN_INVALID + 1] = {
    [INSN_RDSSP] = CET_INSN_RDSSP, [INSN_INCSSP] = CET_INSN_INCSSP,
    [INSN_RSTORSSP] = CET_INSN_RSTORSSP, [INSN_SAVEPREVSSP] = CET_INSN_SAVEPREVSSP,
    [INSN_WRSS] = CET_INSN_WRSS, [INSN_WRUSS] = CET_INSN_WRUSS,
    [INSN_SETSSBSY] = CET_INSN_SETSSBSY, [INSN_CLRSSBSY] = CET_INSN_CLRSSBSY,
};

/* The instruction's operands, as the model wants them. */
static void describe(const engine *e, const insn *in, cet_event *ev)
{
    ev->kind = CET_EVENT_CET_INSN;
    ev->u.cet.insn = cet_kind_of[in->kind];
    ev->u.cet.wide = in->wide;
    if (in->reg != REG_NONE)
        ev->u.cet.value = guest_reg(&e->regs, in->reg);
    if (in->has_mem)
        ev->u.cet.address = guest_operand_address(&e->regs, in);
}

static int carry_out(engine *e, const insn *in, const cet_verdict *v)
{
    if (v->sets_dest && engine_set_reg(e, in->reg, v->dest_value) != 0)
        return -1;
    if (v->sets_carry && set_rstorssp_flags(e, v->carry) != 0)
        return -1;
    return 0;
}

/* Conformance mode: the emulator executes the instruction; what it must leave. */
static int expect_effect(engine *e, const insn *in, const cet_verdict *v, resume_action *how)
{
    effect_expectation x = {.kind = EFFECT_EXECUTES, .pc = in->addr};
    snprintf(x.what, sizeof x.what, "%s", in->text);
    if (v->outcome == CET_FAULT_CP) {
        x.kind = EFFECT_NONE;   /* the prediction says what must happen */
        engine_violation(e, v, in, true, in->addr, how);
    } else if (v->outcome != CET_NOTHING && v->outcome != CET_EFFECT) {
        x.kind = EFFECT_SIGNAL;
        x.signal = cet_outcome_signal(v->outcome);
    } else if (v->sets_dest || in->kind == INSN_RDSSP) {
        /* RDSSP with the shadow stack off leaves its register as it was. */
        x.kind = EFFECT_REGISTER;
        x.reg = in->reg;
        x.value = v->sets_dest ? v->dest_value : guest_reg(&e->regs, in->reg);
    } else if (v->sets_carry) {
        x.kind = EFFECT_CARRY;
        x.carry = v->carry;
    }
    conformance_expect(e, &x);
    return engine_step_over(e, how);
}

int handle_cet_insn(engine *e, const insn *in, resume_action *how)
{
    cet_event ev;
    cet_verdict v;
    e->out.stats.cet_insns++;
    if (engine_load_registers(e) != 0)
        return -1;
    describe(e, in, &ev);
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (e->conf.on)
        return expect_effect(e, in, &v, how);
    /* The guest may load from shadow-stack memory next: make it current. */
    if (v.sets_dest)
        shadow_mirror_observed(e);
    if (shadow_mirror_sync(e) != 0)
        return -1;
    switch (v.outcome) {
    case CET_NOTHING:
        return skip(e, in, how);
    case CET_EFFECT:
        return carry_out(e, in, &v) != 0 ? -1 : skip(e, in, how);
    case CET_FAULT_CP:
        engine_violation(e, &v, in, true, ev.u.cet.address, how);
        return engine_branch_ended(how) ? 0 : skip(e, in, how);
    default:
        engine_fault(e, &v, how);
        return e->out.end == END_ERROR ? -1 : 0;
    }
}
