/* Near and far CALL, JMP and RET: the model's events for them, and performing the
 * branch in the harness so that QEMU does not need a second stop to get past the
 * breakpoint (QEMU re-reports a breakpoint when resumed on it). */
#include "engine/engine.h"

#include <string.h>

/* Where an indirect branch goes: a register, or a pointer in memory. */
static int indirect_target(engine *e, const insn *in, uint64_t *target)
{
    uint64_t ea;
    if (!in->has_mem) {
        if (engine_reg(e, in->reg, target) != 0)
            return -1;
        if (in->reg_size == 4)
            *target &= 0xffffffffULL;
        return 0;
    }
    if (engine_operand_address(e, in, &ea) != 0)
        return -1;
    return engine_read_u64(e, ea, target);
}

/* IBT: the target's bytes, as they are now, go to the model with the branch. */
static void check_landing(engine *e, const insn *in, uint64_t target, resume_action *how,
                          int *status)
{
    cet_event ev = {.kind = CET_EVENT_INDIRECT_BRANCH};
    cet_verdict v;
    if (!cet_model_ibt(e->model))
        return;
    if (code_cache_read(&e->code, target, ev.u.branch.target_bytes, 4) != 0)
        return; /* unreadable target: QEMU raises the page fault itself */
    ev.u.branch.target = target;
    ev.u.branch.far = in->kind == INSN_CALL_FAR || in->kind == INSN_JMP_FAR;
    ev.u.branch.notrack = in->notrack;
    if (engine_apply(e, &ev, &v) != 0)
        *status = -1;
    else if (v.outcome == CET_FAULT_CP)
        engine_violation(e, &v, in, true, target, how);
}

/* Arrive at a branch target the harness has performed the branch to.  A target in
 * memory known not to be executable faults on instruction fetch, as on hardware:
 * QEMU's "c ADDR" would run it regardless. */
static int land(engine *e, uint64_t target, resume_action *how)
{
    if (e->conf.on)
        return engine_step_over(e, how); /* the emulator carries the branch out */
    if (code_cache_known_noexec(&e->code, target)) {
        if (engine_set_reg(e, REG_RIP, target) != 0)
            return -1;
        how->kind = RESUME_SIGNAL;
        how->gdb_signal = 11;
        return 0;
    }
    how->kind = RESUME_CONTINUE_AT;
    how->addr = target;
    return engine_explore(e, target);
}

/* Conformance mode: the model hears of the call, the emulator makes it. */
static int observe_call(engine *e, uint64_t ret, bool zero_displacement, resume_action *how)
{
    cet_event ev = {.kind = CET_EVENT_CALL, .u.call = {ret, zero_displacement}};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (v.outcome != CET_NOTHING) {
        engine_fault(e, &v, how);
        return 0;
    }
    return engine_step_over(e, how);
}

/* Perform a near call: push the return address on the guest stack and go. */
static int perform_call(engine *e, const insn *in, uint64_t target, resume_action *how)
{
    uint64_t ret = in->addr + in->len, rsp;
    /* A direct call to the next instruction (E8 00000000, with any prefixes) is the
     * "get RIP" idiom: hardware does not push it (CET.md 2.2). */
    bool zero_displacement = in->kind == INSN_CALL_DIRECT && target == ret;
    if (e->conf.on)
        return observe_call(e, ret, zero_displacement, how);
    if (engine_reg(e, REG_RSP, &rsp) != 0)
        return -1;
    rsp -= 8;
    bool shstk = cet_model_shstk_enabled(e->model, e->cur->tid);
    bool fused = shstk && !zero_displacement &&
                 !code_cache_known_noexec(&e->code, target) && call_fusion_applies(e, target);
    if (fused) {
        /* Nothing will stop at the fused RET to explore where it returns: do it now, and
         * first, because that code may lead into the callee and so undo the fusion. */
        if (engine_explore(e, ret) != 0)
            return -1;
        fused = call_fusion_applies(e, target);
    }
    cet_event ev = {.kind = CET_EVENT_CALL, .u.call = {ret, zero_displacement}};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (v.outcome != CET_NOTHING) {
        engine_fault(e, &v, how); /* ran off the shadow stack: #PF */
        return 0;
    }
    if (fused) {
        /* The RET is proven to return to `ret`: the model sees it now. */
        cet_event back = {.kind = CET_EVENT_RET, .u.ret.target = ret};
        if (engine_apply(e, &back, &v) != 0)
            return -1;
    }
    if (engine_write_u64(e, rsp, ret) != 0 || engine_set_reg(e, REG_RSP, rsp) != 0)
        return -1;
    if (fused) {
        /* Push and matching pop at once: the RET will find `ret` at [rsp]. */
        e->out.stats.rets++;
        e->out.stats.fused_rets++;
        how->kind = RESUME_CONTINUE_AT;
        how->addr = target;
        return 0;
    }
    return land(e, target, how);
}

static int handle_call(engine *e, const insn *in, resume_action *how)
{
    uint64_t target = in->target;
    e->out.stats.calls++;
    if (in->kind == INSN_CALL_INDIRECT) {
        e->out.stats.indirect++;
        int status = 0;
        if (indirect_target(e, in, &target) != 0)
            return -1;
        check_landing(e, in, target, how, &status);
        if (status != 0 || engine_branch_ended(how))
            return status;
    }
    return perform_call(e, in, target, how);
}

static int handle_jmp_indirect(engine *e, const insn *in, resume_action *how)
{
    uint64_t target;
    int status = 0;
    e->out.stats.indirect++;
    if (indirect_target(e, in, &target) != 0)
        return -1;
    check_landing(e, in, target, how, &status);
    if (status != 0 || engine_branch_ended(how))
        return status;
    return land(e, target, how);
}

/* A return: a #CP is a violation; with --on-violation=continue the model then
 * resynchronises.  Running off the top of the shadow stack is a #PF: SIGSEGV. */
static int check_return(engine *e, const insn *in, uint64_t actual, resume_action *how)
{
    cet_event ev = {.kind = CET_EVENT_RET, .u.ret.target = actual};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (v.outcome == CET_NOTHING)
        return 0;
    if (v.outcome != CET_FAULT_CP) {
        engine_fault(e, &v, how);
        return 0;
    }
    engine_violation(e, &v, in, true, actual, how);
    if (engine_branch_ended(how) || e->conf.on)
        return 0;
    cet_event resync = {.kind = CET_EVENT_RESYNC, .u.resync = {actual, false}};
    return engine_apply(e, &resync, &v);
}

static int handle_ret(engine *e, const insn *in, resume_action *how)
{
    uint64_t rsp, actual;
    e->out.stats.rets++;
    if (engine_reg(e, REG_RSP, &rsp) != 0 || engine_read_u64(e, rsp, &actual) != 0)
        return -1;
    if (check_return(e, in, actual, how) != 0)
        return -1;
    if (engine_branch_ended(how) || how->kind == RESUME_STEP)
        return 0;
    if (e->conf.on)
        return engine_step_over(e, how);
    if (in->kind == INSN_RET && !code_cache_known_noexec(&e->code, actual)) {
        /* Explore first: it may plant a breakpoint on the twin and so retire it. */
        if (engine_explore(e, actual) != 0)
            return -1;
        if (e->twin_ret) {
            how->kind = RESUME_CONTINUE_AT;
            how->addr = e->twin_ret; /* the twin pops [rsp] itself: no register write */
            return 0;
        }
    }
    if (engine_set_reg(e, REG_RSP, rsp + 8 + (in->kind == INSN_RET_IMM ? in->imm : 0)) != 0)
        return -1;
    return land(e, actual, how);
}

/* Far transfers are rare: QEMU performs them (selectors, privilege checks) and the
 * harness applies the shadow-stack and IBT rules of CET.md 2.3 around them. */
static int far_pointer(engine *e, const insn *in, uint64_t *offset, uint16_t *selector)
{
    uint64_t ea;
    uint8_t raw[10];
    if (engine_operand_address(e, in, &ea) != 0)
        return -1;
    int size = in->mem.size == 10 ? 10 : 6;
    if (rsp_read_memory(e->rsp, ea, raw, (size_t)size) != RSP_OK)
        return engine_rsp_fail(e, "cannot read the far pointer at 0x%llx", (unsigned long long)ea);
    *offset = 0;
    memcpy(offset, raw, (size_t)size - 2);
    memcpy(selector, raw + size - 2, 2);
    return 0;
}

static int handle_far_branch(engine *e, const insn *in, resume_action *how)
{
    uint64_t target;
    uint16_t selector;
    if (!in->has_mem) {
        engine_warn(e, "far branch without memory operand at 0x%llx not modelled",
                    (unsigned long long)in->addr);
        how->kind = RESUME_STEP;
        return 0;
    }
    if (engine_load_registers(e) != 0 || far_pointer(e, in, &target, &selector) != 0)
        return -1;
    int status = 0;
    e->out.stats.indirect++;
    check_landing(e, in, target, how, &status); /* far CALL/JMP are always tracked */
    if (status != 0 || engine_branch_ended(how))
        return status;
    if (in->kind == INSN_CALL_FAR) {
        cet_event ev = {.kind = CET_EVENT_FAR_CALL, .u.far_call = {e->regs.cs, in->addr + in->len}};
        cet_verdict v;
        if (cet_model_shstk_enabled(e->model, e->cur->tid))
            e->out.stats.calls++;
        if (engine_apply(e, &ev, &v) != 0)
            return -1;
        if (v.outcome != CET_NOTHING) {
            engine_fault(e, &v, how);
            return 0;
        }
    }
    if (engine_explore(e, target) != 0)
        return -1;
    return engine_run_to(e, true, target, false, how);
}

static int handle_far_ret(engine *e, const insn *in, resume_action *how)
{
    uint64_t rsp, rip, cs;
    if (engine_reg(e, REG_RSP, &rsp) != 0)
        return -1;
    bool wide = false; /* retfq: REX.W among the prefixes */
    for (size_t i = 0; i < in->len && in->bytes[i] != 0xcb && in->bytes[i] != 0xca; i++)
        if ((in->bytes[i] & 0xf8) == 0x48)
            wide = true;
    e->out.stats.rets++;
    if (wide) {
        if (engine_read_u64(e, rsp, &rip) != 0 || engine_read_u64(e, rsp + 8, &cs) != 0)
            return -1;
    } else {
        uint64_t both;
        if (engine_read_u64(e, rsp, &both) != 0)
            return -1;
        rip = both & 0xffffffffULL;
        cs = both >> 32;
    }
    cet_event ev = {.kind = CET_EVENT_FAR_RET, .u.far_ret = {(uint16_t)cs, rip}};
    cet_verdict v;
    if (engine_apply(e, &ev, &v) != 0)
        return -1;
    if (v.outcome == CET_FAULT_CP) {
        engine_violation(e, &v, in, true, rip, how);
        if (engine_branch_ended(how))
            return 0;
        cet_event resync = {.kind = CET_EVENT_RESYNC, .u.resync = {rip, true}};
        if (!e->conf.on && engine_apply(e, &resync, &v) != 0)
            return -1;
    }
    if (engine_explore(e, rip) != 0)
        return -1;
    return engine_run_to(e, true, rip, false, how);
}

static int handle_iret(engine *e, const insn *in, resume_action *how)
{
    engine_warn(e, "iret at 0x%llx: its shadow-stack effect is not modelled",
                (unsigned long long)in->addr);
    how->kind = RESUME_STEP;
    e->cur->stepping = STEP_SINGLE;
    return 0;
}

static int handle_int(engine *e, const insn *in, resume_action *how)
{
    (void)in;
    /* int3 and friends: let QEMU raise the trap or signal; a step shows where it went. */
    how->kind = RESUME_STEP;
    e->cur->stepping = STEP_SINGLE;
    return 0;
}

int handle_cet_insn(engine *e, const insn *in, resume_action *how);

stop_handler engine_handler_for(insn_kind kind)
{
    static const stop_handler table[INSN_INVALID + 1] = {
        [INSN_CALL_DIRECT] = handle_call,
        [INSN_CALL_INDIRECT] = handle_call,
        [INSN_JMP_INDIRECT] = handle_jmp_indirect,
        [INSN_RET] = handle_ret,
        [INSN_RET_IMM] = handle_ret,
        [INSN_CALL_FAR] = handle_far_branch,
        [INSN_JMP_FAR] = handle_far_branch,
        [INSN_RET_FAR] = handle_far_ret,
        [INSN_IRET] = handle_iret,
        [INSN_SYSCALL] = handle_syscall,
        [INSN_INT] = handle_int,
        [INSN_RDSSP] = handle_cet_insn,
        [INSN_INCSSP] = handle_cet_insn,
        [INSN_SAVEPREVSSP] = handle_cet_insn,
        [INSN_RSTORSSP] = handle_cet_insn,
        [INSN_SETSSBSY] = handle_cet_insn,
        [INSN_CLRSSBSY] = handle_cet_insn,
        [INSN_WRSS] = handle_cet_insn,
        [INSN_WRUSS] = handle_cet_insn,
        [INSN_CPUID] = handle_cpuid,
    };
    return kind <= INSN_INVALID ? table[kind] : NULL;
}
