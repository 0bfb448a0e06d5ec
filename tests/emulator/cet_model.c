/* cet_model.c - per-vCPU shadow stack and IBT tracker of the CET plugin.
 *
 * Every check is made one instruction late: API v1 runs a callback *before* each
 * instruction and gives no registers, so the destination of a RET or an indirect
 * branch is only known when the vCPU's next instruction shows up.  The instruction
 * that needs a check leaves it in `pending`; the next one on the same vCPU makes it.
 */
#include "cet_model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYS_rt_sigreturn 15

/* What a shadow-stack entry stands for.  Only NEAR and FAR entries hold a return
 * address; the two signal entries stand for the kernel's token and restorer. */
enum slot_kind { SLOT_NEAR, SLOT_FAR, SLOT_SIGFRAME, SLOT_RESTORER };

struct slot {
    enum slot_kind kind;
    uint64_t addr;
};

/* A check that the instruction just executed leaves for the next one on this vCPU,
 * because only then is the destination of a RET or an indirect branch known. */
enum pending_kind { PEND_NONE, PEND_ENDBR, PEND_RET };
enum ret_expect { EXPECT_ADDR, EXPECT_RESTORER, EXPECT_NOTHING };

struct pending {
    enum pending_kind kind;
    const char *reason;     /* PEND_RET: "near-ret" or "far-ret" */
    uint64_t ret_pc;        /* PEND_RET: the RET, which is where hardware reports */
    enum ret_expect expect; /* PEND_RET: what the popped entry accepts */
    uint64_t addr;          /* EXPECT_ADDR: the popped return address */
};

struct vcpu {
    struct slot *stack;     /* the shadow stack, stack[depth - 1] on top */
    size_t depth, cap;
    struct pending pending;
    /* Where the last executed instruction can continue: anywhere (after returns,
     * indirect branches, rt_sigreturn, or before the first one), or at one of two
     * addresses.  Its own address also counts: QEMU re-executes an instruction after
     * a REP iteration or a store into translated code. */
    bool succ_any;
    uint64_t last_pc, succ_next, succ_target;
};

static void vcpu_reset(struct vcpu *v)
{
    v->depth = 0;
    v->pending.kind = PEND_NONE;
    v->succ_any = true;
}

/* vCPU states are found by index in a growable array of pointers, which only the lock
 * holder may touch; each host thread caches its own vCPU, so the lock is taken once
 * per thread, not once per instruction.  A state is only ever used by its own vCPU. */
static pthread_mutex_t vcpus_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vcpu **vcpus;
static size_t n_vcpus;
static __thread struct vcpu *my_vcpu;
static __thread unsigned int my_index;

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        fputs("cet-plugin: out of memory\n", stderr);
        abort();
    }
    return p;
}

static struct vcpu *vcpu_lookup_locked(unsigned int index)
{
    if (index >= n_vcpus) {
        size_t n = n_vcpus ? n_vcpus : 64;
        while (n <= index)
            n *= 2;
        vcpus = xrealloc(vcpus, n * sizeof *vcpus);
        memset(vcpus + n_vcpus, 0, (n - n_vcpus) * sizeof *vcpus);
        n_vcpus = n;
    }
    if (!vcpus[index]) {
        vcpus[index] = xrealloc(NULL, sizeof **vcpus);
        memset(vcpus[index], 0, sizeof **vcpus);
        vcpu_reset(vcpus[index]);
    }
    return vcpus[index];
}

static struct vcpu *vcpu_get(unsigned int index)
{
    if (my_vcpu && my_index == index)
        return my_vcpu;
    pthread_mutex_lock(&vcpus_lock);
    struct vcpu *v = vcpu_lookup_locked(index);
    pthread_mutex_unlock(&vcpus_lock);
    my_vcpu = v;
    my_index = index;
    return v;
}

/* linux-user reuses the index of an exited thread for a new one, which starts with an
 * empty shadow stack (the kernel gives each new thread its own). */
void cet_vcpu_init(unsigned int index)
{
    pthread_mutex_lock(&vcpus_lock);
    vcpu_reset(vcpu_lookup_locked(index));
    pthread_mutex_unlock(&vcpus_lock);
}

static void push(struct vcpu *v, enum slot_kind kind, uint64_t addr)
{
    if (v->depth == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->stack = xrealloc(v->stack, v->cap * sizeof *v->stack);
    }
    v->stack[v->depth++] = (struct slot){ kind, addr };
}

/* False on an empty shadow stack: hardware would read past its top and take a page
 * fault (SIGSEGV), which is no #CP; the plugin lets the return go unchecked. */
static bool pop(struct vcpu *v, struct slot *out)
{
    if (v->depth == 0)
        return false;
    *out = v->stack[--v->depth];
    return true;
}

/* ---- signal frames ---- */

/* Delivery pushes what the kernel pushes: a token (which no RET accepts) and the
 * restorer address (which the handler's RET pops). */
static void enter_signal_frame(struct vcpu *v)
{
    v->pending.kind = PEND_NONE;
    if (!cet_opt.shstk)
        return;
    push(v, SLOT_SIGFRAME, 0);
    push(v, SLOT_RESTORER, 0);
}

/* rt_sigreturn consumes the token.  The kernel would kill a thread whose token is not
 * on top (e.g. a handler that calls rt_sigreturn itself); that is no #CP, so the plugin
 * just drops everything down to the innermost frame, if there is one. */
static void leave_signal_frame(struct vcpu *v)
{
    size_t d = v->depth;
    while (d > 0 && v->stack[d - 1].kind != SLOT_SIGFRAME)
        d--;
    if (d > 0)
        v->depth = d - 1;
}

/* ---- per-instruction model ---- */

/* False when the vCPU cannot have got to `pc` from its last instruction: then QEMU
 * delivered a signal in between (after a system call or a faulting instruction). */
static bool continues_normally(const struct vcpu *v, uint64_t pc)
{
    return v->succ_any || pc == v->last_pc || pc == v->succ_next || pc == v->succ_target;
}

static void set_successors(struct vcpu *v, const struct insn *in)
{
    v->last_pc = in->pc;
    v->succ_any = false;
    v->succ_next = v->succ_target = in->next;
    switch (in->c.kind) {
    case INSN_PLAIN:                /* the next instruction only */
        break;
    case INSN_JMP_REL:              /* the target only */
    case INSN_CALL_REL:
        v->succ_next = v->succ_target = in->c.target;
        v->succ_any = !in->c.target_known;
        break;
    case INSN_JCC_REL:              /* the target or the next instruction */
        v->succ_target = in->c.target;
        v->succ_any = !in->c.target_known;
        break;
    default:                        /* returns and indirect branches: anywhere */
        v->succ_any = true;
        break;
    }
}

static bool endbr_ok(const struct insn *in)
{
    return in->c.endbr64 || in->c.int3 || (in->c.endbr32 && cet_opt.endbr32_accepted);
}

static bool ret_ok(const struct pending *p, const struct insn *in)
{
    switch (p->expect) {
    case EXPECT_ADDR: return in->pc == p->addr;
    case EXPECT_RESTORER: return in->c.sigreturn_stub;
    default: return false;
    }
}

/* The check the previous instruction left, made now that we know where it went. */
static void check_pending(struct vcpu *v, const struct insn *in)
{
    struct pending p = v->pending;
    v->pending.kind = PEND_NONE;
    if (p.kind == PEND_ENDBR && !endbr_ok(in))
        cet_raise_cp("endbranch", in->pc);
    if (p.kind == PEND_RET && !ret_ok(&p, in))
        cet_raise_cp(p.reason, p.ret_pc);
}

/* A near RET accepts only a near return address (or, for the restorer entry of a
 * signal frame, a restorer); a far RET only a far one.  Anything else on top holds a
 * value that is no code address on hardware (a saved SSP, a token with bit 63 set). */
static void pop_and_expect(struct vcpu *v, const struct insn *in, bool far)
{
    struct slot s;
    if (!pop(v, &s))
        return;
    struct pending *p = &v->pending;
    p->kind = PEND_RET;
    p->reason = far ? "far-ret" : "near-ret";
    p->ret_pc = in->pc;
    p->addr = s.addr;
    if (s.kind == (far ? SLOT_FAR : SLOT_NEAR))
        p->expect = EXPECT_ADDR;
    else if (s.kind == SLOT_RESTORER && !far)
        p->expect = EXPECT_RESTORER;
    else
        p->expect = EXPECT_NOTHING;
}

static void expect_endbr(struct vcpu *v, bool tracked)
{
    if (cet_opt.ibt && tracked)
        v->pending.kind = PEND_ENDBR;
}

/* The effect of executing `in` on the shadow stack and on the IBT tracker. */
static void apply_insn(struct vcpu *v, const struct insn *in)
{
    bool tracked = !in->c.notrack || cet_opt.notrack_ignored;
    switch (in->c.kind) {
    case INSN_CALL_REL:
        if (cet_opt.shstk && (!in->c.zero_disp || cet_opt.call_next_pushed))
            push(v, SLOT_NEAR, in->next);
        break;
    case INSN_CALL_IND:
        if (cet_opt.shstk)
            push(v, SLOT_NEAR, in->next);
        expect_endbr(v, tracked);
        break;
    case INSN_JMP_IND:
        expect_endbr(v, tracked);
        break;
    case INSN_CALL_FAR:           /* far transfers are tracked whatever the prefixes */
        if (cet_opt.shstk)
            push(v, SLOT_FAR, in->next);
        expect_endbr(v, true);
        break;
    case INSN_JMP_FAR:
        expect_endbr(v, true);
        break;
    case INSN_RET:
    case INSN_RET_IMM:
    case INSN_RETF:
        if (cet_opt.shstk) {
            pop_and_expect(v, in, in->c.kind == INSN_RETF);
            if (in->c.kind == INSN_RET_IMM && cet_opt.ret_imm_unchecked)
                v->pending.kind = PEND_NONE;
        }
        break;
    default:
        break;
    }
}

void cet_insn_exec(unsigned int vcpu_index, const struct insn *in)
{
    struct vcpu *v = vcpu_get(vcpu_index);
    if (!continues_normally(v, in->pc))
        enter_signal_frame(v);
    check_pending(v, in);
    apply_insn(v, in);
    set_successors(v, in);
}

/* Called in the vCPU's thread before the system call runs.  A system call is itself an
 * instruction the pending check has already seen, so clearing it changes nothing but
 * makes sure no check survives into whatever the kernel does next. */
void cet_syscall(unsigned int vcpu_index, int64_t num)
{
    struct vcpu *v = vcpu_get(vcpu_index);
    v->pending.kind = PEND_NONE;
    if (num == SYS_rt_sigreturn) {
        if (cet_opt.shstk)
            leave_signal_frame(v);
        v->succ_any = true;     /* it resumes wherever the signal interrupted */
    }
}
