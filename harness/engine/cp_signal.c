/* --on-violation=signal: the guest gets the SIGSEGV Linux sends for a #CP.  QEMU
 * delivers the signal the harness injects with the siginfo of the stop it was injected
 * at, so the handler is stopped at its first instruction once and its frame mended:
 * si_code SEGV_CPERR and si_addr 0 in the siginfo, the #CP error code and trap number
 * 21 in the ucontext (CET.md 1.6).  The saved rip is QEMU's, the instruction the
 * harness stopped at: the faulting one for a return or RSTORSSP; for a missing
 * ENDBR64 the branch, not its target (the branch was not carried out). */
#include "engine/engine.h"
#include "qemu/gdb_signals.h"

enum { LINUX_SIGSEGV = 11, SEGV_CPERR = 10, X86_TRAP_CP = 21 };
/* siginfo: si_signo, si_errno, si_code (int each, then padding), si_addr at 16.
 * ucontext: uc_flags, uc_link, uc_stack (24 bytes), then the gregs, REG_ERR = 19,
 * REG_TRAPNO = 20. */
enum { SI_CODE_OFFSET = 8, SI_ADDR_OFFSET = 16, GREGS_OFFSET = 40, GREG_ERR = 19, GREG_TRAPNO = 20 };

int engine_signal_cp(engine *e, const cet_verdict *v, resume_action *how)
{
    cet_event ev = {.kind = CET_EVENT_SIGNAL, .u.signal.sig = LINUX_SIGSEGV};
    cet_verdict delivery;
    how->kind = RESUME_SIGNAL;
    how->gdb_signal = linux_signal_to_gdb(LINUX_SIGSEGV);
    e->injected_signal = LINUX_SIGSEGV;
    if (engine_apply(e, &ev, &delivery) != 0)
        return -1;
    if (delivery.handler <= 1)
        return 0;   /* the default action: the guest dies of it, nothing reads the frame */
    e->cp_signal.pending = true;
    e->cp_signal.handler = delivery.handler;
    e->cp_signal.cp_code = v->cp;
    e->cp_signal.temporary = !addr_map_get(&e->breakpoints, delivery.handler, NULL);
    if (engine_explore(e, delivery.handler) != 0)
        return -1;
    return engine_insert_breakpoint(e, delivery.handler);
}

static int write_u32(engine *e, uint64_t addr, uint32_t value)
{
    if (rsp_write_memory(e->rsp, addr, &value, 4) != RSP_OK)
        return engine_rsp_fail(e, "cannot write the signal frame at 0x%llx", (unsigned long long)addr);
    return 0;
}

int engine_patch_cp_frame(engine *e)
{
    if (!e->cp_signal.pending || e->regs.rip != e->cp_signal.handler)
        return 0;
    e->cp_signal.pending = false;
    if (e->cp_signal.temporary && engine_remove_breakpoint(e, e->cp_signal.handler) != 0)
        return -1;
    uint64_t info = e->regs.gpr[REG_RSI], uc = e->regs.gpr[REG_RDX];
    uint64_t gregs = uc + GREGS_OFFSET;
    if (write_u32(e, info + SI_CODE_OFFSET, SEGV_CPERR) != 0 ||
        engine_write_u64(e, info + SI_ADDR_OFFSET, 0) != 0 ||
        engine_write_u64(e, gregs + 8 * GREG_ERR, (uint64_t)e->cp_signal.cp_code) != 0)
        return -1;
    return engine_write_u64(e, gregs + 8 * GREG_TRAPNO, X86_TRAP_CP);
}
