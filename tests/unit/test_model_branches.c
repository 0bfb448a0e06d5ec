/* The CET model fed near/far branches only (CET.md 1.2-1.4, 2.2, 2.3): what CET
 * hardware does with each sequence, and the state a fault leaves. */
#include "model_events.h"

Test(model_branches, matching_call_and_ret_raise_nothing)
{
    cet_model *m = new_model(true, true);
    uint64_t top = cet_model_ssp(m, TID);
    cr_assert_eq(apply(m, ev_call(0x401005)).outcome, CET_NOTHING);
    cr_assert_eq(apply(m, ev_call(0x402010)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), top - 16, "each call pushes 8 bytes");
    cr_assert_eq(apply(m, ev_ret(0x402010)).outcome, CET_NOTHING);
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), top);
    cet_model_free(m);
}

Test(model_branches, ret_to_another_address_is_near_ret_cp_and_leaves_ssp)
{
    cet_model *m = new_model(true, true);
    apply(m, ev_call(0x401005));
    uint64_t ssp = cet_model_ssp(m, TID);
    cet_verdict v = apply(m, ev_ret(0x40100c));
    cr_assert_eq(v.outcome, CET_FAULT_CP);
    cr_assert_eq(v.cp, CP_NEAR_RET);
    cr_assert_str_eq(v.reason, "ret-mismatch");
    cr_assert(v.has_expected);
    cr_assert_eq(v.expected, 0x401005);
    cr_assert_eq(cet_model_ssp(m, TID), ssp, "#CP is a fault: SSP still on the entry");
    cet_model_free(m);
}

Test(model_branches, all_64_bits_of_the_return_address_are_compared)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x0000000000401005));
    cr_assert_eq(apply(m, ev_ret(0x0001000000401005)).cp, CP_NEAR_RET);
    cet_model_free(m);
}

Test(model_branches, call_to_next_instruction_is_not_pushed)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    uint64_t ssp = cet_model_ssp(m, TID);
    cet_event get_rip = {.kind = CET_EVENT_CALL, .u.call = {0x401100, true}};
    cr_assert_eq(apply(m, get_rip).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), ssp);
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_branches, ret_from_an_empty_shadow_stack_is_a_page_fault_not_cp)
{
    cet_model *m = new_model(false, true);
    cet_verdict v = apply(m, ev_ret(0x401005));
    cr_assert_eq(v.outcome, CET_FAULT_PF);
    cr_assert_not_null(v.note);
    cr_assert_eq(cet_outcome_signal(v.outcome), 11);
    cet_model_free(m);
}

Test(model_branches, shadow_stack_off_checks_no_return)
{
    cet_model *m = new_model(true, false);
    apply(m, ev_call(0x401005));
    cr_assert_eq(apply(m, ev_ret(0x40100c)).outcome, CET_NOTHING);
    cr_assert_eq(apply(m, ev_ret(0x40100c)).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_branches, tracked_branch_must_land_on_endbr64)
{
    cet_model *m = new_model(true, true);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_ENDBR64, false, false)).outcome, CET_NOTHING);
    cet_verdict v = apply(m, ev_branch(0x401000, BYTES_NOP_RET, false, false));
    cr_assert_eq(v.outcome, CET_FAULT_CP);
    cr_assert_eq(v.cp, CP_ENDBRANCH);
    cr_assert_str_eq(v.reason, "missing-endbranch");
    cet_model_free(m);
}

Test(model_branches, endbr32_does_not_count_in_64_bit_mode)
{
    cet_model *m = new_model(true, true);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_ENDBR32, false, false)).cp, CP_ENDBRANCH);
    cet_model_free(m);
}

Test(model_branches, int3_at_the_target_is_exempt)
{
    cet_model *m = new_model(true, true);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_INT3, false, false)).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_branches, notrack_near_branch_is_not_tracked_but_far_always_is)
{
    cet_model *m = new_model(true, true);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_NOP_RET, false, true)).outcome, CET_NOTHING);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_NOP_RET, true, true)).cp, CP_ENDBRANCH,
                 "far CALL/JMP ignore NOTRACK");
    cet_model_free(m);
}

Test(model_branches, ibt_off_checks_no_landing)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(apply(m, ev_branch(0x401000, BYTES_NOP_RET, false, false)).outcome, CET_NOTHING);
    cet_model_free(m);
}

static cet_event far_call(uint16_t cs, uint64_t ra)
{
    return (cet_event){.kind = CET_EVENT_FAR_CALL, .u.far_call = {cs, ra}};
}

static cet_event far_ret(uint16_t cs, uint64_t target)
{
    return (cet_event){.kind = CET_EVENT_FAR_RET, .u.far_ret = {cs, target}};
}

Test(model_branches, far_call_pushes_cs_lip_and_ssp_and_far_ret_pops_them)
{
    cet_model *m = new_model(false, true);
    uint64_t top = cet_model_ssp(m, TID), dump[3];
    cr_assert_eq(apply(m, far_call(0x33, 0x401007)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_shadow_dump(m, TID, dump, 3), 3);
    cr_assert_eq(dump[0], top, "previous SSP on top");
    cr_assert_eq(dump[1], 0x401007, "then the return LIP");
    cr_assert_eq(dump[2], 0x33, "then CS");
    cr_assert_eq(apply(m, far_ret(0x33, 0x401007)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), top);
    cet_model_free(m);
}

Test(model_branches, far_ret_with_another_cs_or_lip_is_far_ret_cp_and_leaves_ssp)
{
    cet_model *m = new_model(false, true);
    apply(m, far_call(0x33, 0x401007));
    uint64_t ssp = cet_model_ssp(m, TID);
    cet_verdict v = apply(m, far_ret(0x2b, 0x401007));
    cr_assert_eq(v.cp, CP_FAR_RET);
    cr_assert_eq(cet_model_ssp(m, TID), ssp);
    v = apply(m, far_ret(0x33, 0x40100b));
    cr_assert_eq(v.cp, CP_FAR_RET);
    cr_assert_str_eq(v.reason, "far-ret-mismatch");
    cr_assert_eq(v.expected, 0x401007);
    cet_model_free(m);
}

Test(model_branches, far_call_from_a_4_aligned_ssp_aligns_and_far_ret_restores_it)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    apply(m, ev_call(0x401006));
    apply(m, ev_insn(CET_INSN_INCSSP, false, 1, 0)); /* INCSSPD 1: SSP += 4 */
    uint64_t odd = cet_model_ssp(m, TID);
    cr_assert_eq(odd & 7, 4);
    apply(m, far_call(0x33, 0x401010));
    cr_assert_eq(cet_model_ssp(m, TID), (odd & ~7ULL) - 24);
    cr_assert_eq(apply(m, far_ret(0x33, 0x401010)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), odd);
    cet_model_free(m);
}

Test(model_branches, resync_after_a_mismatch_unwinds_to_the_matching_entry)
{
    cet_model *m = new_model(false, true);
    uint64_t top = cet_model_ssp(m, TID);
    apply(m, ev_call(0x401005));
    apply(m, ev_call(0x402005));
    apply(m, ev_call(0x403005));
    cr_assert_eq(apply(m, ev_ret(0x401005)).cp, CP_NEAR_RET);
    cet_event resync = {.kind = CET_EVENT_RESYNC, .u.resync = {0x401005, false}};
    apply(m, resync);
    cr_assert_eq(cet_model_ssp(m, TID), top, "a longjmp-like return skips the frames between");
    cet_model_free(m);
}

Test(model_branches, a_second_thread_has_its_own_empty_shadow_stack)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    cet_event start = {.kind = CET_EVENT_THREAD_START, .tid = TID + 1};
    apply(m, start);
    cet_event ret2 = ev_ret(0x401005);
    ret2.tid = TID + 1;
    cr_assert_eq(apply(m, ret2).outcome, CET_FAULT_PF, "the child's stack is empty");
    cr_assert_neq(cet_model_ssp(m, TID + 1), cet_model_ssp(m, TID));
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING, "the parent's entry is its own");
    cet_event exit2 = {.kind = CET_EVENT_THREAD_EXIT, .tid = TID + 1};
    apply(m, exit2);
    cr_assert_not(cet_model_knows_thread(m, TID + 1));
    cet_model_free(m);
}

Test(model_branches, an_event_of_an_unknown_thread_is_refused_with_a_reason)
{
    cet_model *m = new_model(false, true);
    cet_event ev = ev_call(0x401005);
    ev.tid = 999;
    cet_verdict v;
    cr_assert_eq(cet_model_apply(m, &ev, &v), -1);
    cr_assert_not_null(v.note);
    cet_model_free(m);
}
