/* The signals the harness delivers for faults QEMU does not raise itself: a #CP
 * under --on-violation=signal, and the #UD, #GP and #PF of CET instructions and
 * shadow-stack accesses.  The model pushes the kernel's shadow-stack signal frame.
 * QEMU delivers an injected signal with the siginfo of the stop it was injected at,
 * so a handler is stopped at its first instruction once and its frame mended to read
 * as Linux's (CET.md 1.6, 2.8): si_code and si_addr in the siginfo, the error code
 * and trap number in the ucontext.  The saved rip is QEMU's, the instruction the
 * harness stopped at: the faulting one, or for a missing ENDBR64 the branch, not its
 * target (the branch was not carried out). */
#include "engine/engine.h"
#include "qemu/gdb_signals.h"

#include <stdio.h>

enum { LINUX_SIGILL = 4, LINUX_SIGSEGV = 11 };
enum { ILL_ILLOPN = 2, SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_CPERR = 10, SI_KERNEL = 0x80 };
enum { TRAP_UD = 6, TRAP_GP = 13, TRAP_PF = 14, TRAP_CP = 21 };
/* #PF error code bits: present, write, user, shadow-stack access. */
enum { PF_PROT = 1, PF_WRITE = 2, PF_USER = 4, PF_SHSTK = 64 };
/* siginfo: si_signo, si_errno, si_code (int each, then padding), si_addr at 16.
 * ucontext: uc_flags, uc_link, uc_stack (24 bytes), then the gregs, REG_ERR = 19,
 * REG_TRAPNO = 20. */
enum { SI_CODE_OFFSET = 8, SI_ADDR_OFFSET = 16, GREGS_OFFSET = 40, GREG_ERR = 19, GREG_TRAPNO = 20 };

typedef struct linux_fault { int sig, si_code; uint64_t si_addr, err; int trapno; } linux_fault;

static int deliver(engine *e, const linux_fault *f, resume_action *how)
{
    cet_event ev = {.kind = CET_EVENT_SIGNAL, .u.signal.sig = f->sig};
    cet_verdict delivery;
    how->kind = RESUME_SIGNAL;
    how->gdb_signal = linux_signal_to_gdb(f->sig);
    if (engine_apply(e, &ev, &delivery) != 0)
        return -1;
    if (delivery.note)
        engine_warn(e, "thread %d: %s", e->cur->number, delivery.note);
    if (delivery.handler <= 1)
        return 0;   /* the default action: the guest dies of it, nothing reads the frame */
    e->fault_signal.pending = true;
    e->fault_signal.handler = delivery.handler;
    e->fault_signal.si_code = f->si_code;
    e->fault_signal.si_addr = f->si_addr;
    e->fault_signal.err = f->err;
    e->fault_signal.trapno = f->trapno;
    e->fault_signal.temporary = !addr_map_get(&e->breakpoints, delivery.handler, NULL);
    if (engine_explore(e, delivery.handler) != 0)
        return -1;
    return engine_insert_breakpoint(e, delivery.handler);
}

int engine_signal_cp(engine *e, const cet_verdict *v, resume_action *how)
{
    linux_fault f = {LINUX_SIGSEGV, SEGV_CPERR, 0, (uint64_t)v->cp, TRAP_CP};
    e->injected_signal = LINUX_SIGSEGV;
    return deliver(e, &f, how);
}

/* A #PF on a page that is there is an access error; on none, a missing mapping. */
static linux_fault page_fault(engine *e, uint64_t addr)
{
    uint8_t byte;
    bool present = rsp_read_memory(e->rsp, addr, &byte, 1) == RSP_OK;
    return (linux_fault){LINUX_SIGSEGV, present ? SEGV_ACCERR : SEGV_MAPERR, addr,
                         PF_WRITE | PF_USER | PF_SHSTK | (present ? PF_PROT : 0), TRAP_PF};
}

static linux_fault fault_of(engine *e, const cet_verdict *v)
{
    switch (v->outcome) {
    case CET_FAULT_UD: return (linux_fault){LINUX_SIGILL, ILL_ILLOPN, e->regs.rip, 0, TRAP_UD};
    case CET_FAULT_PF: return page_fault(e, v->fault_address);
    case CET_FAULT_GP: return (linux_fault){LINUX_SIGSEGV, SI_KERNEL, 0, 0, TRAP_GP};
    default:           return (linux_fault){LINUX_SIGSEGV, SI_KERNEL, 0, 0, 0};  /* badframe */
    }
}

void engine_fault(engine *e, const cet_verdict *v, resume_action *how)
{
    if (e->conf.on) {
        /* The emulator must raise it itself. */
        effect_expectation x = {.kind = EFFECT_SIGNAL, .pc = e->regs.rip,
                                .signal = cet_outcome_signal(v->outcome)};
        snprintf(x.what, sizeof x.what, "the instruction at 0x%llx (%s)",
                 (unsigned long long)e->regs.rip, v->note ? v->note : "a fault");
        conformance_expect(e, &x);
        engine_step_over(e, how);
        return;
    }
    if (v->note)
        engine_warn(e, "thread %d: %s at 0x%llx", e->cur->number, v->note,
                    (unsigned long long)e->regs.rip);
    linux_fault f = fault_of(e, v);
    if (deliver(e, &f, how) != 0)
        how->kind = RESUME_KILL;    /* e->out.end is END_ERROR */
}

static int write_u32(engine *e, uint64_t addr, uint32_t value)
{
    if (rsp_write_memory(e->rsp, addr, &value, 4) != RSP_OK)
        return engine_rsp_fail(e, "cannot write the signal frame at 0x%llx", (unsigned long long)addr);
    return 0;
}

int engine_patch_fault_frame(engine *e)
{
    if (!e->fault_signal.pending || e->regs.rip != e->fault_signal.handler)
        return 0;
    e->fault_signal.pending = false;
    if (e->fault_signal.temporary && engine_remove_breakpoint(e, e->fault_signal.handler) != 0)
        return -1;
    uint64_t info = e->regs.gpr[REG_RSI], uc = e->regs.gpr[REG_RDX];
    uint64_t gregs = uc + GREGS_OFFSET;
    if (write_u32(e, info + SI_CODE_OFFSET, (uint32_t)e->fault_signal.si_code) != 0 ||
        engine_write_u64(e, info + SI_ADDR_OFFSET, e->fault_signal.si_addr) != 0)
        return -1;
    if (!e->fault_signal.trapno)
        return 0;
    if (engine_write_u64(e, gregs + 8 * GREG_ERR, e->fault_signal.err) != 0)
        return -1;
    return engine_write_u64(e, gregs + 8 * GREG_TRAPNO, (uint64_t)e->fault_signal.trapno);
}
