/* The shadow-stack mirror: near call/ret, INCSSP, tokens and signal frames,
 * checked against the rules of CET.md section 2 and 3.3. */
#include <criterion/criterion.h>

#include "model/shadow_stack.h"

static shadow_memory sm;
static shadow_stack ss;

static void setup(void)
{
    shadow_memory_init(&sm);
    memset(&ss, 0, sizeof ss);
    cr_assert_eq(shadow_stack_create(&ss, &sm, 1 << 16), 0);
    ss.enabled = true;
}

static void teardown(void)
{
    shadow_memory_free(&sm);
}

TestSuite(shadow_stack, .init = setup, .fini = teardown);

Test(shadow_stack, new_stack_is_empty_above_4gib_and_aligned)
{
    cr_assert_gt(ss.ssp, 1ULL << 32);
    cr_assert_eq(ss.ssp & 7, 0);
    cr_assert_eq(shadow_stack_depth(&ss, &sm), 0);
    uint64_t v;
    cr_assert_eq(shadow_stack_pop(&ss, &sm, &v), SS_FAULT_PAGE, "popping an empty stack reads past its top");
}

Test(shadow_stack, push_then_pop_returns_values_in_reverse_order)
{
    uint64_t top = ss.ssp, v;
    cr_assert_eq(shadow_stack_push(&ss, &sm, 0x401005), SS_OK);
    cr_assert_eq(shadow_stack_push(&ss, &sm, 0x402010), SS_OK);
    cr_assert_eq(ss.ssp, top - 16);
    cr_assert_eq(shadow_stack_pop(&ss, &sm, &v), SS_OK);
    cr_assert_eq(v, 0x402010);
    cr_assert_eq(shadow_stack_pop(&ss, &sm, &v), SS_OK);
    cr_assert_eq(v, 0x401005);
    cr_assert_eq(ss.ssp, top);
}

Test(shadow_stack, dump_lists_entries_top_first)
{
    uint64_t out[4];
    for (uint64_t i = 1; i <= 3; i++)
        shadow_stack_push(&ss, &sm, i * 0x10);
    cr_assert_eq(shadow_stack_dump(&ss, &sm, out, 4), 3);
    cr_assert_eq(out[0], 0x30);
    cr_assert_eq(out[2], 0x10);
    cr_assert_eq(shadow_stack_depth(&ss, &sm), 3);
}

Test(shadow_stack, push_past_the_bottom_faults)
{
    ss.ssp = ss.base;
    cr_assert_eq(shadow_stack_push(&ss, &sm, 1), SS_FAULT_PAGE);
    cr_assert_eq(ss.ssp, ss.base, "a faulting push leaves SSP alone");
}

Test(shadow_stack, incssp_pops_low_eight_bits_of_the_count)
{
    for (int i = 0; i < 300; i++)
        shadow_stack_push(&ss, &sm, (uint64_t)i);
    uint64_t before = ss.ssp;
    cr_assert_eq(shadow_stack_incssp(&ss, &sm, 3, 8), SS_OK);
    cr_assert_eq(ss.ssp, before + 24);
    cr_assert_eq(shadow_stack_incssp(&ss, &sm, 256, 8), SS_OK, "256 & 0xff = 0: nothing popped");
    cr_assert_eq(ss.ssp, before + 24);
    cr_assert_eq(shadow_stack_incssp(&ss, &sm, 0x1ff, 8), SS_OK);
    cr_assert_eq(ss.ssp, before + 24 + 255 * 8);
    cr_assert_eq(shadow_stack_incssp(&ss, &sm, 2, 4), SS_OK, "INCSSPD moves 4 bytes a count");
    cr_assert_eq(ss.ssp, before + 24 + 255 * 8 + 8);
}

Test(shadow_stack, incssp_beyond_the_top_faults_without_moving)
{
    shadow_stack_push(&ss, &sm, 1);
    uint64_t before = ss.ssp;
    cr_assert_eq(shadow_stack_incssp(&ss, &sm, 2, 8), SS_FAULT_PAGE);
    cr_assert_eq(ss.ssp, before);
}

/* A second stack made like map_shadow_stack(SET_TOKEN): restore token at top-8. */
static uint64_t make_token_stack(uint64_t size)
{
    uint64_t base;
    cr_assert_eq(shadow_memory_map(&sm, size, &base), 0);
    cr_assert(shadow_memory_write(&sm, base + size - 8, shadow_restore_token(base + size)));
    return base;
}

Test(shadow_stack, rstorssp_then_saveprevssp_switches_stacks_and_back)
{
    shadow_stack_push(&ss, &sm, 0x401000);
    uint64_t old = ss.ssp;
    uint64_t base = make_token_stack(0x1000);
    bool carry = true;
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, base + 0x1000 - 8, &carry), SS_OK);
    cr_assert_eq(ss.ssp, base + 0x1000 - 8);
    cr_assert_not(carry);
    uint64_t prev;
    shadow_memory_read(&sm, ss.ssp, &prev);
    cr_assert_eq(prev, old | 3, "RSTORSSP leaves a previous-SSP token");
    cr_assert_eq(shadow_stack_saveprevssp(&ss, &sm), SS_OK);
    cr_assert_eq(ss.ssp, base + 0x1000, "the new stack is empty");
    uint64_t back_token;
    shadow_memory_read(&sm, old - 8, &back_token);
    cr_assert_eq(back_token, old | 1, "SAVEPREVSSP leaves a restore token on the old stack");
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, old - 8, &carry), SS_OK);
    cr_assert_eq(shadow_stack_saveprevssp(&ss, &sm), SS_OK);
    cr_assert_eq(ss.ssp, old);
    uint64_t v;
    shadow_stack_pop(&ss, &sm, &v);
    cr_assert_eq(v, 0x401000);
}

Test(shadow_stack, rstorssp_rejects_tokens_that_do_not_point_back)
{
    uint64_t base = make_token_stack(0x1000);
    bool carry;
    uint64_t slot = base + 0x800;
    shadow_memory_write(&sm, slot, 0x401005); /* a return address, not a token */
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, slot, &carry), SS_FAULT_CP);
    shadow_memory_write(&sm, slot, (slot + 16) | 1); /* points to the wrong place */
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, slot, &carry), SS_FAULT_CP);
    shadow_memory_write(&sm, slot, (slot + 8) | 3); /* a previous-SSP token */
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, slot, &carry), SS_FAULT_CP);
}

Test(shadow_stack, rstorssp_outside_shadow_memory_is_a_page_fault)
{
    bool carry;
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, 0x404000, &carry), SS_FAULT_PAGE);
    cr_assert_eq(shadow_stack_rstorssp(&ss, &sm, ss.base + 4, &carry), SS_FAULT_GP, "misaligned");
}

Test(shadow_stack, saveprevssp_without_previous_token_is_gp)
{
    shadow_stack_push(&ss, &sm, 0x401000);
    cr_assert_eq(shadow_stack_saveprevssp(&ss, &sm), SS_FAULT_GP);
}

Test(shadow_stack, signal_frame_is_token_then_restorer_and_pops_back)
{
    shadow_stack_push(&ss, &sm, 0x401005);
    uint64_t before = ss.ssp, v;
    cr_assert_eq(shadow_stack_push_signal_frame(&ss, &sm, 0x401800), SS_OK);
    cr_assert_eq(ss.ssp, before - 16);
    shadow_memory_read(&sm, before - 8, &v);
    cr_assert_eq(v, before | (1ULL << 63));
    cr_assert_eq(shadow_stack_pop(&ss, &sm, &v), SS_OK, "the handler's ret pops the restorer");
    cr_assert_eq(v, 0x401800);
    cr_assert_eq(shadow_stack_pop_signal_frame(&ss, &sm), SS_OK);
    cr_assert_eq(ss.ssp, before);
}

Test(shadow_stack, sigreturn_without_signal_token_fails)
{
    shadow_stack_push(&ss, &sm, 0x401005);
    cr_assert_eq(shadow_stack_pop_signal_frame(&ss, &sm), SS_FAULT_GP);
}

Test(shadow_stack, write32_updates_one_half_of_a_slot)
{
    uint64_t v;
    uint64_t a = ss.base + 64;
    shadow_memory_write(&sm, a, 0x1111111122222222ULL);
    cr_assert(shadow_memory_write32(&sm, a + 4, 0xabcdef01));
    shadow_memory_read(&sm, a, &v);
    cr_assert_eq(v, 0xabcdef0122222222ULL);
}
