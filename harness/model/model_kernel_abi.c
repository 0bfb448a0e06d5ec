/* The kernel's shadow-stack ABI as Linux >= 6.6 implements it (CET.md 3.1, 3.2):
 * arch_prctl(ARCH_SHSTK_*) and map_shadow_stack.  QEMU answers EINVAL and ENOSYS to
 * them, so in reference mode the model's answer is the kernel's. */
#include "model/model_internal.h"

enum { SYS_ARCH_PRCTL = 158, SYS_MAP_SHADOW_STACK = 453 };
enum { ARCH_SHSTK_ENABLE = 0x5001, ARCH_SHSTK_DISABLE = 0x5002, ARCH_SHSTK_LOCK = 0x5003,
       ARCH_SHSTK_UNLOCK = 0x5004, ARCH_SHSTK_STATUS = 0x5005 };
enum { ARCH_SHSTK_SHSTK = 1, ARCH_SHSTK_WRSS = 2, SHADOW_STACK_SET_TOKEN = 1 };
enum { E_PERM = 1, E_INVAL = 22, E_NOSPC = 28, E_RANGE = 34 };

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

static int64_t shstk_enable(shadow_stack *ss, uint64_t features)
{
    if (features == ARCH_SHSTK_WRSS)
        return wrss_control(ss, true);
    if (features != ARCH_SHSTK_SHSTK)
        return -E_INVAL;
    if (!ss->enabled)
        ss->ssp = ss->base + ss->size;   /* a fresh, empty stack: no token */
    ss->enabled = true;
    return 0;
}

static int64_t shstk_disable(shadow_stack *ss, uint64_t features)
{
    if (features == ARCH_SHSTK_WRSS)
        return wrss_control(ss, false);
    if (features != ARCH_SHSTK_SHSTK)
        return -E_INVAL;
    ss->enabled = false;
    ss->wrss_enabled = false;
    return 0;
}

/* The order of the kernel's checks: STATUS and LOCK first, then locked bits (EPERM),
 * then one feature at a time (EINVAL). */
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
    case ARCH_SHSTK_UNLOCK:         /* only through ptrace */
        answer(v, -E_INVAL);
        return;
    }
    if (arg & m->features_locked)
        answer(v, -E_PERM);
    else if (arg & (arg - 1))
        answer(v, -E_INVAL);
    else if (code == ARCH_SHSTK_ENABLE)
        answer(v, shstk_enable(ss, arg));
    else
        answer(v, shstk_disable(ss, arg));
}

/* map_shadow_stack(addr, size, flags): a new shadow stack, optionally with a restore
 * token at its top, always above 4 GiB. */
static int64_t map_shadow_stack(cet_model *m, uint64_t addr, uint64_t size, uint64_t flags)
{
    uint64_t base;
    if (flags & ~(uint64_t)SHADOW_STACK_SET_TOKEN)
        return -E_INVAL;
    if ((flags & SHADOW_STACK_SET_TOKEN) && size < 8)
        return -E_NOSPC;
    if (addr && addr < (1ULL << 32))
        return -E_RANGE;
    if (size == 0 || shadow_memory_map(&m->shadow, size, &base) != 0)
        return -E_INVAL;
    if ((flags & SHADOW_STACK_SET_TOKEN) &&
        !shadow_memory_write(&m->shadow, base + size - 8, shadow_restore_token(base + size))) {
        shadow_memory_unmap(&m->shadow, base);
        return -E_INVAL;
    }
    return (int64_t)base;
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
    }
    return 0;
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
