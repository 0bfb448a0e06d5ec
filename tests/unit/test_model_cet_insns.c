/* The CET model fed CET instructions (CET.md 2.4-2.7): the effect each must have,
 * and the fault it raises when it may not run. */
#include "model_events.h"

static uint64_t map_with_token(cet_model *m, uint64_t size)
{
    cet_verdict v = apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, size, 1));
    cr_assert(v.sets_result);
    cr_assert_gt(v.result, 0);
    return (uint64_t)v.result;
}

static void enable_wrss(cet_model *m)
{
    cr_assert_eq(apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_ENABLE, WRSS, 0)).result, 0);
}

Test(model_cet_insns, rdssp_gives_ssp_and_rdsspd_its_low_half)
{
    cet_model *m = new_model(false, true);
    uint64_t ssp = cet_model_ssp(m, TID);
    cet_verdict v = apply(m, ev_insn(CET_INSN_RDSSP, true, 0, 0));
    cr_assert_eq(v.outcome, CET_EFFECT);
    cr_assert(v.sets_dest);
    cr_assert_eq(v.dest_value, ssp);
    v = apply(m, ev_insn(CET_INSN_RDSSP, false, 0, 0));
    cr_assert_eq(v.dest_value, ssp & 0xffffffffULL);
    cet_model_free(m);
}

Test(model_cet_insns, rdssp_with_the_shadow_stack_off_is_a_nop)
{
    cet_model *m = new_model(false, false);
    cet_verdict v = apply(m, ev_insn(CET_INSN_RDSSP, true, 0, 0));
    cr_assert_eq(v.outcome, CET_NOTHING, "the destination keeps its value (xor; rdssp reads 0)");
    cr_assert_not(v.sets_dest);
    cet_model_free(m);
}

Test(model_cet_insns, shadow_stack_instructions_are_ud_with_the_shadow_stack_off)
{
    cet_model *m = new_model(false, false);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_INCSSP, true, 1, 0)).outcome, CET_FAULT_UD);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_SAVEPREVSSP, false, 0, 0)).outcome, CET_FAULT_UD);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, 0x1000)).outcome, CET_FAULT_UD);
    cr_assert_eq(cet_outcome_signal(CET_FAULT_UD), 4, "#UD is SIGILL");
    cet_model_free(m);
}

Test(model_cet_insns, supervisor_instructions_fault_in_user_mode)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_SETSSBSY, false, 0, 0)).outcome, CET_FAULT_UD);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_CLRSSBSY, false, 0, 0x1000)).outcome, CET_FAULT_UD);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRUSS, true, 0, 0x1000)).outcome, CET_FAULT_GP);
    cet_model_free(m);
}

Test(model_cet_insns, incssp_pops_by_the_low_8_bits_of_its_count)
{
    cet_model *m = new_model(false, true);
    uint64_t top = cet_model_ssp(m, TID);
    apply(m, ev_call(1));
    apply(m, ev_call(2));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_INCSSP, true, 0x101, 0)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), top - 8, "0x101 counts as 1");
    cr_assert_eq(apply(m, ev_insn(CET_INSN_INCSSP, true, 1, 0)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), top);
    cet_model_free(m);
}

Test(model_cet_insns, incssp_past_the_top_is_a_page_fault_even_with_count_0)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(1));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_INCSSP, true, 2, 0)).outcome, CET_FAULT_PF);
    apply(m, ev_ret(1));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_INCSSP, true, 0, 0)).outcome, CET_FAULT_PF,
                 "a count of 0 still reads [SSP]");
    cet_model_free(m);
}

Test(model_cet_insns, rstorssp_and_saveprevssp_switch_stacks_and_back)
{
    cet_model *m = new_model(false, true);
    uint64_t old_ssp = cet_model_ssp(m, TID), size = 0x2000;
    uint64_t base = map_with_token(m, size), token_at = base + size - 8, word;
    cet_verdict v = apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, token_at));
    cr_assert_eq(v.outcome, CET_EFFECT);
    cr_assert(v.sets_carry);
    cr_assert_not(v.carry);
    cr_assert_eq(cet_model_ssp(m, TID), token_at);
    cr_assert(cet_model_read_shadow(m, token_at, &word));
    cr_assert_eq(word, old_ssp | 3, "a previous-SSP token replaces the restore token");
    cr_assert_eq(apply(m, ev_insn(CET_INSN_SAVEPREVSSP, false, 0, 0)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), base + size);
    cr_assert(cet_model_read_shadow(m, old_ssp - 8, &word));
    cr_assert_eq(word, old_ssp | 1, "a restore token left on the old stack");
    cr_assert_eq(apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, old_ssp - 8)).outcome, CET_EFFECT);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_SAVEPREVSSP, false, 0, 0)).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), old_ssp);
    cet_model_free(m);
}

Test(model_cet_insns, rstorssp_of_a_word_that_is_no_token_is_rstorssp_cp)
{
    cet_model *m = new_model(false, true);
    uint64_t base = map_with_token(m, 0x2000);
    cet_verdict v = apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, base + 0x100));
    cr_assert_eq(v.cp, CP_RSTORSSP);
    cr_assert_str_eq(v.reason, "rstorssp-token");
    cr_assert(v.has_expected);
    cr_assert_eq(v.expected, 0, "the word found there");
    cet_model_free(m);
}

Test(model_cet_insns, rstorssp_faults_on_misaligned_or_ordinary_memory)
{
    cet_model *m = new_model(false, true);
    uint64_t base = map_with_token(m, 0x2000);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, base + 0x1ffc)).outcome, CET_FAULT_GP);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, 0x402000)).outcome, CET_FAULT_PF);
    cet_model_free(m);
}

Test(model_cet_insns, rstorssp_reports_the_alignment_hole_flag_in_cf)
{
    cet_model *m = new_model(false, true);
    enable_wrss(m);
    uint64_t base = map_with_token(m, 0x2000), at = base + 0x1000;
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, (at + 8) | 5, at)).outcome, CET_NOTHING);
    cet_verdict v = apply(m, ev_insn(CET_INSN_RSTORSSP, false, 0, at));
    cr_assert_eq(v.outcome, CET_EFFECT);
    cr_assert(v.carry);
    cet_model_free(m);
}

Test(model_cet_insns, saveprevssp_needs_a_previous_ssp_token_at_ssp)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_SAVEPREVSSP, false, 0, 0)).outcome, CET_FAULT_GP);
    cet_model_free(m);
}

Test(model_cet_insns, wrss_needs_wrss_enabled)
{
    cet_model *m = new_model(false, true);
    uint64_t base = map_with_token(m, 0x2000);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 7, base)).outcome, CET_FAULT_UD);
    cet_model_free(m);
}

Test(model_cet_insns, wrss_writes_shadow_stack_memory_only)
{
    cet_model *m = new_model(false, true);
    enable_wrss(m);
    uint64_t base = map_with_token(m, 0x2000), word;
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 0x1122334455667788, base)).outcome, CET_NOTHING);
    cr_assert(cet_model_read_shadow(m, base, &word));
    cr_assert_eq(word, 0x1122334455667788);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, false, 0xaabbccdd, base + 4)).outcome, CET_NOTHING);
    cr_assert(cet_model_read_shadow(m, base, &word));
    cr_assert_eq(word, 0xaabbccdd55667788, "WRSSD writes 4 bytes");
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 1, 0x402000)).outcome, CET_FAULT_PF);
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 1, base + 4)).outcome, CET_FAULT_GP);
    cet_model_free(m);
}

Test(model_cet_insns, wrss_over_a_return_address_makes_the_ret_a_cp)
{
    cet_model *m = new_model(false, true);
    enable_wrss(m);
    apply(m, ev_call(0x401005));
    apply(m, ev_insn(CET_INSN_WRSS, true, 0, cet_model_ssp(m, TID)));
    cet_verdict v = apply(m, ev_ret(0x401005));
    cr_assert_eq(v.cp, CP_NEAR_RET);
    cr_assert_eq(v.expected, 0);
    cet_model_free(m);
}

static cet_event ev_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t ecx, uint32_t edx)
{
    return (cet_event){.kind = CET_EVENT_CPUID, .u.cpuid = {leaf, subleaf, 0, 0, ecx, edx}};
}

Test(model_cet_insns, cpuid_leaf_7_reports_the_cet_features_the_model_has_on)
{
    cet_model *m = new_model(true, true);
    cet_verdict v = apply(m, ev_cpuid(7, 0, 0x1, 0x2));
    cr_assert(v.sets_cpuid);
    cr_assert_eq(v.cpuid_ecx, 0x1u | (1u << 7), "CET_SS");
    cr_assert_eq(v.cpuid_edx, 0x2u | (1u << 20), "CET_IBT");
    cr_assert_not(apply(m, ev_cpuid(7, 1, 0, 0)).sets_cpuid, "only subleaf 0");
    cr_assert_not(apply(m, ev_cpuid(1, 0, 0, 0)).sets_cpuid, "only leaf 7");
    cet_model_free(m);
    m = new_model_config((cet_model_config){.ibt = false, .shstk = false});
    cr_assert_not(apply(m, ev_cpuid(7, 0, 0, 0)).sets_cpuid, "nothing on: nothing reported");
    cet_model_free(m);
}
