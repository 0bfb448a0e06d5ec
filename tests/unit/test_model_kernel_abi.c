/* The CET model's kernel side (CET.md 3.1-3.3): arch_prctl(ARCH_SHSTK_*),
 * map_shadow_stack, and the shadow-stack signal frame, as Linux >= 6.6 has them. */
#include "model_events.h"

enum { E_PERM = 1, E_INVAL = 22, E_NOSPC = 28, E_RANGE = 34 };

static int64_t prctl(cet_model *m, uint64_t code, uint64_t arg)
{
    cet_verdict v = apply(m, ev_syscall(SYS_ARCH_PRCTL, code, arg, 0));
    cr_assert(v.sets_result, "arch_prctl 0x%llx is the model's to answer", (unsigned long long)code);
    return v.result;
}

static uint64_t status(cet_model *m)
{
    cet_verdict v = apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_STATUS, 0x7000, 0));
    cr_assert_eq(v.result, 0);
    cr_assert(v.writes_memory);
    cr_assert_eq(v.memory_address, 0x7000);
    return v.memory_value;
}

Test(model_kernel_abi, status_reports_the_enabled_features)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(status(m), SHSTK);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, WRSS), 0);
    cr_assert_eq(status(m), SHSTK | WRSS);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, WRSS), 0);
    cr_assert_eq(status(m), SHSTK);
    cet_model_free(m);
}

Test(model_kernel_abi, wrss_cannot_be_switched_without_the_shadow_stack)
{
    cet_model *m = new_model(false, false);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, WRSS), -E_PERM);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, WRSS), -E_PERM);
    cet_model_free(m);
}

Test(model_kernel_abi, enable_gives_an_empty_stack_and_disable_stops_the_checks)
{
    cet_model *m = new_model(false, false);
    cr_assert_eq(status(m), 0);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, SHSTK), 0);
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_FAULT_PF,
                 "returning from the enabling function reads past the new stack's top");
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, SHSTK), 0, "enabling twice is no error");
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, WRSS), 0);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, SHSTK), 0);
    cr_assert_eq(status(m), 0, "disabling the shadow stack disables WRSS too");
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, SHSTK), 0, "disabling twice is no error");
    cet_model_free(m);
}

Test(model_kernel_abi, a_shadow_stack_switched_off_by_the_harness_stays_off)
{
    cet_model *m = new_model_config((cet_model_config){.shstk = false});
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, SHSTK), -E_PERM);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, WRSS), -E_PERM, "WRSS needs the shadow stack");
    cr_assert_eq(status(m), 0);
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_kernel_abi, locked_features_cannot_change)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(prctl(m, ARCH_SHSTK_LOCK, SHSTK), 0);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, SHSTK), -E_PERM);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, WRSS), 0, "only the locked bit is locked");
    cr_assert_eq(prctl(m, ARCH_SHSTK_UNLOCK, SHSTK), -E_PERM,
                 "unlock is for ptrace only: the program's own is refused as a locked feature");
    cr_assert_eq(status(m), SHSTK | WRSS);
    cet_model_free(m);
}

Test(model_kernel_abi, the_programs_own_unlock_of_an_unlocked_feature_enables_it)
{
    /* shstk_prctl() refuses UNLOCK only for another task; for the caller it falls
     * through the locked-bit and one-bit checks to the ENABLE code. */
    cet_model *m = new_model(false, true);
    cr_assert_eq(prctl(m, ARCH_SHSTK_UNLOCK, WRSS), 0);
    cr_assert_eq(status(m), SHSTK | WRSS);
    cr_assert_eq(prctl(m, ARCH_SHSTK_UNLOCK, 0), -E_INVAL);
    cet_model_free(m);
}

Test(model_kernel_abi, one_known_feature_at_a_time)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, SHSTK | WRSS), -E_INVAL);
    cr_assert_eq(prctl(m, ARCH_SHSTK_ENABLE, 4), -E_INVAL);
    cr_assert_eq(prctl(m, ARCH_SHSTK_DISABLE, 0), -E_INVAL);
    cet_model_free(m);
}

Test(model_kernel_abi, other_system_calls_are_not_the_models)
{
    cet_model *m = new_model(false, true);
    cr_assert_eq(apply(m, ev_syscall(SYS_ARCH_PRCTL, 0x1002, 0x1000, 0)).outcome, CET_NOTHING);
    cr_assert_eq(apply(m, ev_syscall(1, 1, 0x1000, 5)).outcome, CET_NOTHING);
    cr_assert(cet_model_answers_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_STATUS));
    cr_assert(cet_model_answers_syscall(SYS_MAP_SHADOW_STACK, 0));
    cr_assert_not(cet_model_answers_syscall(SYS_ARCH_PRCTL, 0x1002));
    cet_model_free(m);
}

static int64_t map(cet_model *m, uint64_t addr, uint64_t size, uint64_t flags)
{
    cet_verdict v = apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, addr, size, flags));
    cr_assert(v.sets_result);
    return v.result;
}

Test(model_kernel_abi, map_shadow_stack_checks_its_arguments)
{
    cet_model *m = new_model(false, false);
    cr_assert_eq(map(m, 0, 0x1000, 2), -E_INVAL, "SHADOW_STACK_SET_MARKER is arm64's");
    cr_assert_eq(map(m, 0, 4, 1), -E_NOSPC, "no room for a token");
    cr_assert_eq(map(m, 0x10000000, 0x1000, 0), -E_RANGE, "always above 4 GiB");
    cr_assert_eq(map(m, 0, 0, 0), -E_INVAL);
    cet_model_free(m);
}

Test(model_kernel_abi, map_shadow_stack_writes_a_token_only_when_asked)
{
    cet_model *m = new_model(false, false);
    uint64_t word;
    int64_t plain = map(m, 0, 0x2000, 0), tokened = map(m, 0, 0x2000, 1);
    cr_assert_gt(plain, (int64_t)(1ULL << 32));
    cr_assert(cet_model_read_shadow(m, (uint64_t)plain + 0x1ff8, &word));
    cr_assert_eq(word, 0, "a fresh shadow stack reads as zeroes");
    cr_assert(cet_model_read_shadow(m, (uint64_t)tokened + 0x1ff8, &word));
    cr_assert_eq(word, ((uint64_t)tokened + 0x2000) | 1);
    cet_model_free(m);
}

Test(model_kernel_abi, shadow_stacks_keep_a_guard_gap_between_them)
{
    cet_model *m = new_model(false, false);
    uint64_t a = (uint64_t)map(m, 0, 0x1000, 0), b = (uint64_t)map(m, 0, 0x1000, 0), word;
    uint64_t lower = a < b ? a : b, higher = a < b ? b : a;
    cr_assert_geq(higher - (lower + 0x1000), 0x1000);
    cr_assert_not(cet_model_read_shadow(m, lower + 0x1000, &word), "the page above is no shadow stack");
    cet_model_free(m);
}

static cet_event sigaction_of(int sig, uint64_t handler, uint64_t flags, uint64_t restorer)
{
    return (cet_event){.kind = CET_EVENT_SIGACTION, .u.sigaction = {sig, handler, flags, restorer}};
}

static cet_event signal_of(int sig)
{
    return (cet_event){.kind = CET_EVENT_SIGNAL, .u.signal.sig = sig};
}

Test(model_kernel_abi, signal_frame_holds_a_token_and_the_restorer)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    uint64_t ssp = cet_model_ssp(m, TID), dump[2];
    apply(m, sigaction_of(10, 0x402000, 0x04000000, 0x403000));
    cet_verdict v = apply(m, signal_of(10));
    cr_assert_eq(v.handler, 0x402000);
    cr_assert_eq(cet_model_shadow_dump(m, TID, dump, 2), 2);
    cr_assert_eq(dump[0], 0x403000, "the handler returns to the restorer");
    cr_assert_eq(dump[1], ssp | (1ULL << 63), "the old SSP with bit 63 set");
    cr_assert_eq(apply(m, ev_ret(0x403000)).outcome, CET_NOTHING);
    cet_event back = {.kind = CET_EVENT_SIGRETURN};
    cr_assert_eq(apply(m, back).outcome, CET_NOTHING);
    cr_assert_eq(cet_model_ssp(m, TID), ssp);
    cr_assert_eq(apply(m, ev_ret(0x401005)).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_kernel_abi, sigreturn_without_a_signal_token_is_sigsegv)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_call(0x401005));
    cet_event back = {.kind = CET_EVENT_SIGRETURN};
    cet_verdict v = apply(m, back);
    cr_assert_eq(v.outcome, CET_KERNEL_SIGSEGV);
    cr_assert_eq(cet_outcome_signal(v.outcome), 11);
    cet_model_free(m);
}

Test(model_kernel_abi, default_and_reset_dispositions_push_no_frame)
{
    cet_model *m = new_model(false, true);
    uint64_t ssp = cet_model_ssp(m, TID);
    cr_assert_eq(apply(m, signal_of(10)).handler, 0);
    cr_assert_eq(cet_model_ssp(m, TID), ssp, "no handler runs, no frame");
    apply(m, sigaction_of(10, 0x402000, 0x80000000 | 0x04000000, 0x403000));
    cr_assert_eq(apply(m, signal_of(10)).handler, 0x402000);
    cr_assert_eq(cet_model_signal_handler(m, 10), 0, "SA_RESETHAND: once");
    cet_model_free(m);
}

Test(model_kernel_abi, with_the_shadow_stack_off_a_handler_runs_without_a_frame)
{
    cet_model *m = new_model(false, false);
    uint64_t ssp = cet_model_ssp(m, TID);
    apply(m, sigaction_of(10, 0x402000, 0x04000000, 0x403000));
    cr_assert_eq(apply(m, signal_of(10)).handler, 0x402000);
    cr_assert_eq(cet_model_ssp(m, TID), ssp);
    cet_event back = {.kind = CET_EVENT_SIGRETURN};
    cr_assert_eq(apply(m, back).outcome, CET_NOTHING);
    cet_model_free(m);
}

Test(model_kernel_abi, asking_for_the_shadow_stack_is_moot_only_when_the_switch_decides)
{
    uint64_t enable[6] = {ARCH_SHSTK_ENABLE, SHSTK}, wrss[6] = {ARCH_SHSTK_ENABLE, WRSS};
    cet_model *fixed = new_model_config((cet_model_config){.shstk = true});
    cr_assert(cet_model_shstk_request_is_moot(fixed, SYS_ARCH_PRCTL, enable));
    cr_assert_not(cet_model_shstk_request_is_moot(fixed, SYS_ARCH_PRCTL, wrss));
    cr_assert_not(cet_model_shstk_request_is_moot(fixed, SYS_MAP_SHADOW_STACK, enable));
    cet_model_free(fixed);
    cet_model *linux_like = new_model(false, false);
    cr_assert_not(cet_model_shstk_request_is_moot(linux_like, SYS_ARCH_PRCTL, enable),
                  "a program that turns the shadow stack on itself is answered");
    cet_model_free(linux_like);
}
