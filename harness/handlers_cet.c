/* The CET instructions QEMU runs as NOPs or does not know (CET.md 2.4-2.7): the
 * harness gives them their architectural effect on the mirror and on the guest's
 * registers, then resumes after them.  Faults they would raise become the signal
 * Linux would deliver: #UD -> SIGILL, #GP and #PF -> SIGSEGV. */
#include "engine.h"

enum { GDB_SIGILL = 4, GDB_SIGSEGV = 11 };
enum { EFLAGS_CF = 1 << 0, EFLAGS_PF = 1 << 2, EFLAGS_AF = 1 << 4, EFLAGS_ZF = 1 << 6,
       EFLAGS_SF = 1 << 7, EFLAGS_OF = 1 << 11 };

static int raise_signal(resume_action *how, int gdb_signal)
{
    how->kind = RESUME_SIGNAL;
    how->gdb_signal = gdb_signal;
    return 0;
}

/* Resume after the instruction, which the explorer has not seen past. */
static int skip(engine *e, const insn *in, resume_action *how)
{
    how->kind = RESUME_CONTINUE_AT;
    how->addr = in->addr + in->len;
    return engine_explore(e, how->addr);
}

static int fault_to_signal(ss_result r, resume_action *how)
{
    return raise_signal(how, r == SS_OK ? 0 : GDB_SIGSEGV);
}

static int rdssp(engine *e, const insn *in, resume_action *how)
{
    const shadow_stack *ss = &e->cur->ss;
    if (ss->enabled) {
        /* RDSSPD writes SSP[31:0]; a 32-bit register write zero-extends. */
        uint64_t value = in->wide ? ss->ssp : (ss->ssp & 0xffffffffULL);
        if (engine_set_reg(e, in->reg, value) != 0)
            return -1;
    }
    return skip(e, in, how); /* disabled: a NOP, the register keeps its value */
}

static int incssp(engine *e, const insn *in, resume_action *how)
{
    uint64_t count = guest_reg(&e->regs, in->reg);
    ss_result r = shadow_stack_incssp(&e->cur->ss, &e->shadow, count, in->wide ? 8 : 4);
    return r == SS_OK ? skip(e, in, how) : fault_to_signal(r, how);
}

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

static int rstorssp(engine *e, const insn *in, resume_action *how)
{
    bool carry = false;
    uint64_t addr = guest_operand_address(&e->regs, in);
    ss_result r = shadow_stack_rstorssp(&e->cur->ss, &e->shadow, addr, &carry);
    if (r == SS_FAULT_CP) {
        uint64_t token = 0;
        shadow_memory_read(&e->shadow, addr, &token);
        engine_violation(e, false, "rstorssp-token", in, true, addr, true, token, how);
        return how->kind == RESUME_KILL || how->kind == RESUME_SIGNAL ? 0 : skip(e, in, how);
    }
    if (r != SS_OK)
        return fault_to_signal(r, how);
    return set_rstorssp_flags(e, carry) != 0 ? -1 : skip(e, in, how);
}

static int saveprevssp(engine *e, const insn *in, resume_action *how)
{
    ss_result r = shadow_stack_saveprevssp(&e->cur->ss, &e->shadow);
    return r == SS_OK ? skip(e, in, how) : fault_to_signal(r, how);
}

static int wrss(engine *e, const insn *in, resume_action *how)
{
    if (!e->cur->ss.wrss_enabled)
        return raise_signal(how, GDB_SIGILL);
    uint64_t addr = guest_operand_address(&e->regs, in);
    uint64_t value = guest_reg(&e->regs, in->reg);
    bool ok = in->wide ? shadow_memory_write(&e->shadow, addr, value)
                       : shadow_memory_write32(&e->shadow, addr, (uint32_t)value);
    return ok ? skip(e, in, how) : raise_signal(how, GDB_SIGSEGV);
}

int handle_cet_insn(engine *e, const insn *in, resume_action *how)
{
    e->stats.cet_insns++;
    if (engine_load_registers(e) != 0)
        return -1;
    if (in->kind == INSN_RDSSP)
        return rdssp(e, in, how);
    /* Every other shadow-stack instruction is #UD while the shadow stack is off. */
    if (!e->cur->ss.enabled)
        return raise_signal(how, GDB_SIGILL);
    switch (in->kind) {
    case INSN_INCSSP: return incssp(e, in, how);
    case INSN_RSTORSSP: return rstorssp(e, in, how);
    case INSN_SAVEPREVSSP: return saveprevssp(e, in, how);
    case INSN_WRSS: return wrss(e, in, how);
    case INSN_WRUSS: return raise_signal(how, GDB_SIGSEGV);   /* #GP at CPL3 */
    default: return raise_signal(how, GDB_SIGILL);           /* SETSSBSY, CLRSSBSY: #UD */
    }
}
