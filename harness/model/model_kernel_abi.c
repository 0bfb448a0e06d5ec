/* The kernel's shadow-stack ABI as Linux >= 6.6 implements it (CET.md 3.1, 3.2):
 * arch_prctl(ARCH_SHSTK_*) and map_shadow_stack.  QEMU answers EINVAL and ENOSYS to
 * them, so in reference mode the model's answer is the kernel's. */
#include "model/model_internal.h"

enum { SYS_MPROTECT = 10, SYS_MUNMAP = 11, SYS_MADVISE = 28, SYS_ARCH_PRCTL = 158,
       SYS_MAP_SHADOW_STACK = 453 };
enum { PROT_WRITE_BIT = 2, MADV_DONTNEED_ADVICE = 4, PAGE_MASK_LOW = 4095 };
enum { ARCH_SHSTK_ENABLE = 0x5001, ARCH_SHSTK_DISABLE = 0x5002, ARCH_SHSTK_LOCK = 0x5003,
       ARCH_SHSTK_UNLOCK = 0x5004, ARCH_SHSTK_STATUS = 0x5005 };
enum { ARCH_SHSTK_SHSTK = 1, ARCH_SHSTK_WRSS = 2, SHADOW_STACK_SET_TOKEN = 1 };
enum { E_PERM = 1, E_NOMEM = 12, E_EXIST = 17, E_INVAL = 22, E_NOSPC = 28, E_RANGE = 34, E_OVERFLOW = 75 };

static void answer(cet_verdict *v, int64_t result)
{
    v->outcome = CET_EFFECT;
    v->sets_result = true;
    v->result = result;
}

static uint64_t features_of(const shadow_stack *ss)
{
    return (ss->enabled ? ARCH_SHSTK_SHSTK : 0) | (ss->wrss_enabled ? ARCH_SHSTK_WRSS : 0);
}

/* WRSS can be switched only while the shadow stack is on. */
static int64_t wrss_control(shadow_stack *ss, bool enable)
{
    if (!ss->enabled)
        return -E_PERM;
    ss->wrss_enabled = enable;
    return 0;
}

/* The kernel maps a fresh stack of its default size: SSP at its top, no token. */
static int64_t shstk_enable(cet_model *m, shadow_stack *ss, uint64_t features)
{
    if (features == ARCH_SHSTK_WRSS)
        return wrss_control(ss, true);
    if (features != ARCH_SHSTK_SHSTK)
        return -E_INVAL;
    if (ss->enabled)
        return 0;
    if (shadow_stack_create(ss, &m->shadow, m->config.thread_stack_size) != 0)
        return -E_NOMEM;
    ss->enabled = true;
    return 0;
}

/* Disabling unmaps the thread's shadow stack. */
static int64_t shstk_disable(cet_model *m, shadow_stack *ss, uint64_t features)
{
    if (features == ARCH_SHSTK_WRSS)
        return wrss_control(ss, false);
    if (features != ARCH_SHSTK_SHSTK)
        return -E_INVAL;
    shadow_stack_destroy(ss, &m->shadow);
    return 0;
}

/* The order of the kernel's checks: STATUS and LOCK first, then locked bits (EPERM),
 * then one feature at a time (EINVAL), DISABLE, and whatever else as ENABLE. */
static void arch_prctl(cet_model *m, shadow_stack *ss, uint64_t code, uint64_t arg, cet_verdict *v)
{
    switch (code) {
    case ARCH_SHSTK_STATUS:
        answer(v, 0);
        v->writes_memory = true;
        v->memory_address = arg;
        v->memory_value = features_of(ss);
        return;
    case ARCH_SHSTK_LOCK:
        m->features_locked |= arg;
        answer(v, 0);
        return;
    }
    if (arg & m->features_locked)
        answer(v, -E_PERM);
    else if (arg & (arg - 1))
        answer(v, -E_INVAL);
    else if (code == ARCH_SHSTK_DISABLE)
        answer(v, shstk_disable(m, ss, arg));
    else    /* ENABLE; UNLOCK unlocks only through ptrace, the caller's own falls through here */
        answer(v, shstk_enable(m, ss, arg));
}

/* map_shadow_stack(addr, size, flags): a new shadow stack, where the model places
 * them or exactly at addr (MAP_FIXED_NOREPLACE), optionally with a restore token at
 * its top, always above 4 GiB.  The checks in the kernel's order. */
static int64_t map_shadow_stack(cet_model *m, uint64_t addr, uint64_t size, uint64_t flags)
{
    uint64_t base = addr;
    if (flags & ~(uint64_t)SHADOW_STACK_SET_TOKEN)
        return -E_INVAL;
    if ((flags & SHADOW_STACK_SET_TOKEN) && size < 8)
        return -E_NOSPC;
    if (addr && addr < (1ULL << 32))
        return -E_RANGE;
    if (((size + PAGE_MASK_LOW) & ~(uint64_t)PAGE_MASK_LOW) < size)
        return -E_OVERFLOW;
    if (size == 0 || (addr & PAGE_MASK_LOW))
        return -E_INVAL;
    if (addr && shadow_memory_overlaps(&m->shadow, addr, size))
        return -E_EXIST;
    int rc = addr ? shadow_memory_map_at(&m->shadow, addr, size)
                  : shadow_memory_map(&m->shadow, size, &base);
    if (rc != 0)
        return -E_NOMEM;
    if ((flags & SHADOW_STACK_SET_TOKEN) &&
        !shadow_memory_write(&m->shadow, base + size - 8, shadow_restore_token(base + size))) {
        shadow_memory_unmap(&m->shadow, base);
        return -E_INVAL;
    }
    return (int64_t)base;
}

/* A thread whose shadow stack the program unmapped has none left to free. */
static void forget_unmapped_stacks(cet_model *m)
{
    for (size_t i = 0; i < m->nthreads; i++) {
        shadow_stack *ss = &m->threads[i].ss;
        if (ss->size && !shadow_memory_contains(&m->shadow, ss->base, ss->size))
            ss->base = ss->size = 0;
    }
}

/* munmap, mprotect and madvise(MADV_DONTNEED) that succeeded, on any memory: what
 * they do to shadow-stack memory. */
static void follow_memory_syscall(cet_model *m, uint64_t nr, const uint64_t *a)
{
    if (nr == SYS_MUNMAP) {
        shadow_memory_unmap_range(&m->shadow, a[0], a[1]);
        forget_unmapped_stacks(m);
    } else if (nr == SYS_MPROTECT) {
        shadow_memory_protect(&m->shadow, a[0], a[1], a[2] & PROT_WRITE_BIT);
    } else if (nr == SYS_MADVISE && a[2] == MADV_DONTNEED_ADVICE) {
        shadow_memory_zero(&m->shadow, a[0], a[1]);
    }
}

int model_syscall(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    const uint64_t *a = ev->u.syscall.args;
    uint64_t nr = ev->u.syscall.nr;
    if (nr == SYS_ARCH_PRCTL && a[0] >= ARCH_SHSTK_ENABLE && a[0] <= ARCH_SHSTK_STATUS) {
        model_thread *t = model_thread_of(m, ev, v);
        if (!t)
            return -1;
        arch_prctl(m, &t->ss, a[0], a[1], v);
    } else if (nr == SYS_MAP_SHADOW_STACK) {
        answer(v, map_shadow_stack(m, a[0], a[1], a[2]));
    } else if (cet_model_follows_syscall(nr)) {
        follow_memory_syscall(m, nr, a);
    }
    return 0;
}

bool cet_model_follows_syscall(uint64_t nr)
{
    return nr == SYS_MUNMAP || nr == SYS_MPROTECT || nr == SYS_MADVISE;
}

bool cet_model_answers_syscall(uint64_t nr, uint64_t arg0)
{
    return (nr == SYS_ARCH_PRCTL && arg0 >= ARCH_SHSTK_ENABLE && arg0 <= ARCH_SHSTK_STATUS) ||
           nr == SYS_MAP_SHADOW_STACK;
}

bool cet_model_shstk_request_is_moot(const cet_model *m, uint64_t nr, const uint64_t *args)
{
    return !m->config.shstk_follows_program && nr == SYS_ARCH_PRCTL &&
           args[0] == ARCH_SHSTK_ENABLE && args[1] == ARCH_SHSTK_SHSTK;
}
