/* Shadow-stack memory as the kernel manages it (CET.md 3.1, 3.2, 3.4): where stacks
 * are, who gets one, what munmap, mprotect and madvise do to them, and the written
 * ranges an engine copies into the guest. */
#include "model_events.h"

enum { SYS_MPROTECT = 10, SYS_MUNMAP = 11, SYS_MADVISE = 28, MADV_DONTNEED = 4 };
enum { PROT_READ = 1, PROT_WRITE = 2, SET_TOKEN = 1, E_EXIST = 17, E_INVAL = 22 };
enum { CHILD = 200 };

static size_t regions(cet_model *m, cet_shadow_region *out, size_t max, uint64_t *generation)
{
    uint64_t g;
    return cet_model_shadow_regions(m, out, max, generation ? generation : &g);
}

static uint64_t read_word(cet_model *m, uint64_t addr)
{
    uint64_t v = 0xdead;
    cr_assert(cet_model_read_shadow(m, addr, &v), "0x%llx is shadow-stack memory",
              (unsigned long long)addr);
    return v;
}

Test(model_shadow_memory, linux_mode_maps_a_stack_only_when_the_program_enables_it)
{
    cet_model *m = new_model(false, false);
    cr_assert_eq(regions(m, NULL, 0, NULL), 0, "no shadow stack before ARCH_SHSTK_ENABLE");
    cr_assert_eq(apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_ENABLE, SHSTK, 0)).result, 0);
    cet_shadow_region r;
    cr_assert_eq(regions(m, &r, 1, NULL), 1);
    cr_assert_eq(r.size, 1 << 16, "the kernel's size rule, as the engine gave it");
    cr_assert_eq(cet_model_ssp(m, TID), r.base + r.size, "SSP at the top, no token");
    cr_assert_eq(apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_DISABLE, SHSTK, 0)).result, 0);
    cr_assert_eq(regions(m, NULL, 0, NULL), 0, "disabling unmaps the thread's shadow stack");
    cet_model_free(m);
}

Test(model_shadow_memory, a_harness_that_keeps_the_shadow_stack_off_maps_none)
{
    cet_model *m = new_model_config((cet_model_config){.shstk = false});
    cr_assert_eq(regions(m, NULL, 0, NULL), 0);
    cet_model_free(m);
}

Test(model_shadow_memory, a_thread_inherits_its_cloners_state_and_gets_its_own_stack)
{
    cet_model *m = new_model(false, false);
    apply(m, (cet_event){.kind = CET_EVENT_THREAD_START, .tid = CHILD, .u.thread.parent = TID});
    cr_assert_not(cet_model_shstk_enabled(m, CHILD), "the cloner had no shadow stack");
    cr_assert_eq(regions(m, NULL, 0, NULL), 0);
    apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_ENABLE, SHSTK, 0));
    apply(m, (cet_event){.kind = CET_EVENT_THREAD_START, .tid = CHILD + 1,
                         .u.thread = {.parent = TID, .shadow_stack_size = 0x3000}});
    cr_assert(cet_model_shstk_enabled(m, CHILD + 1));
    cet_shadow_region r[2];
    cr_assert_eq(regions(m, r, 2, NULL), 2);
    uint64_t child_ssp = cet_model_ssp(m, CHILD + 1);
    cr_assert_neq(child_ssp, cet_model_ssp(m, TID), "a stack of its own");
    cr_assert(r[1].base + r[1].size == child_ssp && r[1].size == 0x3000, "clone3's stack_size");
    apply(m, (cet_event){.kind = CET_EVENT_THREAD_EXIT, .tid = CHILD + 1});
    cr_assert_eq(regions(m, NULL, 0, NULL), 1, "an exiting thread's stack is unmapped");
    cet_model_free(m);
}

Test(model_shadow_memory, stacks_the_model_places_have_a_gap_between_them)
{
    cet_model *m = new_model(false, true);
    int64_t a = apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, 0x2000, 0)).result;
    int64_t b = apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, 0x2000, 0)).result;
    cr_assert(a > 0 && b > 0);
    uint64_t lo = (uint64_t)(a < b ? a : b), hi = (uint64_t)(a < b ? b : a);
    cr_assert_geq(hi - lo, 0x2000 + 4096, "a guard page at least between two stacks");
    cet_model_free(m);
}

Test(model_shadow_memory, an_address_hint_is_where_the_stack_goes_or_an_error)
{
    cet_model *m = new_model(false, true);
    const uint64_t hint = 0x600000000000ULL;
    cr_assert_eq(apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, hint, 0x2000, SET_TOKEN)).result, hint);
    cr_assert_eq(read_word(m, hint + 0x2000 - 8), (hint + 0x2000) | 1);
    cr_assert_eq(apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, hint + 0x1000, 0x2000, 0)).result,
                 -E_EXIST, "MAP_FIXED_NOREPLACE on a shadow stack");
    cr_assert_eq(apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, hint + 8, 0x2000, 0)).result, -E_INVAL);
    apply(m, ev_syscall(SYS_MUNMAP, hint, 0x2000, 0));
    cr_assert_eq(apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, hint, 0x2000, 0)).result, hint,
                 "unmapped, the place is free again");
    cr_assert_eq(read_word(m, hint + 0x2000 - 8), 0, "a new stack, no old token");
    cet_model_free(m);
}

Test(model_shadow_memory, mprotect_read_only_makes_shadow_stack_writes_fault)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_ENABLE, WRSS, 0));
    uint64_t base = (uint64_t)apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, 0x2000, 0)).result;
    apply(m, ev_syscall(SYS_MPROTECT, base, 0x2000, PROT_READ));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 7, base)).outcome, CET_FAULT_PF);
    apply(m, ev_syscall(SYS_MPROTECT, base, 0x2000, PROT_READ | PROT_WRITE));
    cr_assert_eq(apply(m, ev_insn(CET_INSN_WRSS, true, 7, base)).outcome, CET_NOTHING);
    cr_assert_eq(read_word(m, base), 7);
    cet_model_free(m);
}

Test(model_shadow_memory, madvise_dontneed_zeroes_shadow_stack_memory)
{
    cet_model *m = new_model(false, true);
    apply(m, ev_syscall(SYS_ARCH_PRCTL, ARCH_SHSTK_ENABLE, WRSS, 0));
    uint64_t base = (uint64_t)apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, 0x2000, 0)).result;
    apply(m, ev_insn(CET_INSN_WRSS, true, 7, base + 8));
    apply(m, ev_syscall(SYS_MADVISE, base, 0x2000, MADV_DONTNEED));
    cr_assert_eq(read_word(m, base + 8), 0);
    cet_model_free(m);
}

struct drained { uint64_t addr[8]; size_t count[8], n; uint64_t first[8]; };

static int record(void *ctx, uint64_t addr, const uint64_t *words, size_t count)
{
    struct drained *d = ctx;
    cr_assert_lt(d->n, 8);
    d->addr[d->n] = addr;
    d->count[d->n] = count;
    d->first[d->n++] = words[0];
    return 0;
}

Test(model_shadow_memory, the_drain_hands_over_what_was_written_once)
{
    cet_model *m = new_model(false, true);
    uint64_t top = cet_model_ssp(m, TID);
    apply(m, ev_call(0x401005));
    apply(m, ev_call(0x402005));
    struct drained d = {0};
    cr_assert_eq(cet_model_drain_shadow_writes(m, record, &d), 0);
    cr_assert_eq(d.n, 1);
    cr_assert_eq(d.addr[0], top - 16, "one range, from the lowest entry written");
    cr_assert_eq(d.count[0], 2);
    cr_assert_eq(d.first[0], 0x402005);
    struct drained again = {0};
    cet_model_drain_shadow_writes(m, record, &again);
    cr_assert_eq(again.n, 0, "nothing written since");
    cet_model_free(m);
}

Test(model_shadow_memory, the_region_generation_changes_with_the_region_list)
{
    cet_model *m = new_model(false, true);
    uint64_t g1, g2, g3;
    regions(m, NULL, 0, &g1);
    apply(m, ev_call(0x401005));
    regions(m, NULL, 0, &g2);
    cr_assert_eq(g1, g2, "writes do not change the list");
    apply(m, ev_syscall(SYS_MAP_SHADOW_STACK, 0, 0x1000, 0));
    regions(m, NULL, 0, &g3);
    cr_assert_neq(g2, g3);
    cet_model_free(m);
}
