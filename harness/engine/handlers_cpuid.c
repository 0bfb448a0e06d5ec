/* CPUID: QEMU answers, then the harness adds the CET bits the model reports (leaf 7:
 * CET_SS, CET_IBT), so that software probing the CPU finds a CET one.  In conformance
 * mode the emulator's own answer stands. */
#include "engine/engine.h"

enum { GDB_REG_ECX = REG_RCX, GDB_REG_EDX = REG_RDX };

int handle_cpuid(engine *e, const insn *in, resume_action *how)
{
    if (engine_load_registers(e) != 0)
        return -1;
    guest_thread *t = e->cur;
    t->in_cpuid = !e->conf.on;
    t->cpuid_leaf = (uint32_t)e->regs.gpr[REG_RAX];
    t->cpuid_subleaf = (uint32_t)e->regs.gpr[REG_RCX];
    return engine_run_to(e, true, in->addr + in->len, false, how);
}

int handle_cpuid_done(engine *e, guest_thread *t)
{
    t->in_cpuid = false;
    if (engine_load_registers(e) != 0)
        return -1;
    const uint64_t *r = e->regs.gpr;
    cet_event ev = {.kind = CET_EVENT_CPUID,
                    .u.cpuid = {t->cpuid_leaf, t->cpuid_subleaf, (uint32_t)r[REG_RAX],
                                (uint32_t)r[REG_RBX], (uint32_t)r[REG_RCX], (uint32_t)r[REG_RDX]}};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (!v.sets_cpuid)
        return 0;
    /* A 32-bit result zero-extends into the 64-bit register. */
    if (engine_set_reg(e, GDB_REG_ECX, v.cpuid_ecx) != 0)
        return -1;
    return engine_set_reg(e, GDB_REG_EDX, v.cpuid_edx);
}
