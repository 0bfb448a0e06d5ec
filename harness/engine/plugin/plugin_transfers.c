/* Blocks and the transfers between them.  The plugin tells where a vCPU went after every
 * block that ends in a call, return, indirect or far branch (flag REACHED: the branch
 * itself ran), and after any other block only when it did not go where that block's
 * code leads.  Such a jump is, in this order: QEMU restarting inside the same block (a
 * system call, code that wrote itself), the return from a signal handler (the thread's
 * rt_sigreturn came just before), or the delivery of a signal to one of the handlers
 * rt_sigaction installed.  A branch that did run can still be followed by a delivery
 * before its target (an asynchronous signal): a return to a handler's first
 * instruction, or a direct call that arrives elsewhere than its target, is one. */
#include "decode/insn.h"
#include "engine/plugin/plugin_run.h"

#include <stdlib.h>
#include <string.h>

static int remember_block(plugin_run *p, uint32_t id, size_t index)
{
    if (id >= p->capblock_of) {
        size_t cap = p->capblock_of ? p->capblock_of : 4096;
        while (cap <= id)
            cap *= 2;
        uint32_t *q = realloc(p->block_of, cap * sizeof *q);
        if (!q)
            return -1;
        memset(q + p->capblock_of, 0, (cap - p->capblock_of) * sizeof *q);
        p->block_of = q;
        p->capblock_of = cap;
    }
    p->block_of[id] = (uint32_t)index + 1;
    return 0;
}

const trace_block *plugin_block(const plugin_run *p, uint32_t id)
{
    if (id >= p->capblock_of || p->block_of[id] == 0)
        return NULL;
    return &p->core->blocks[p->block_of[id] - 1];
}

int plugin_on_block(plugin_run *p, const cs_tb *r)
{
    const uint8_t *lens = (const uint8_t *)(r + 1), *bytes = lens + r->ninsns;
    qlog_insn insns[512];
    uint64_t pc = r->pc;
    size_t at = 0, index;
    if (r->ninsns == 0 || r->ninsns > 512)
        return plugin_fail(p, "the plugin described a block of %u instructions", r->ninsns);
    for (unsigned i = 0; i < r->ninsns; i++) {
        qlog_insn *q = &insns[i];
        q->addr = pc;
        q->len = lens[i] <= sizeof q->bytes ? lens[i] : sizeof q->bytes;
        if (at + lens[i] > r->nbytes)
            return plugin_fail(p, "the plugin's block at 0x%llx is cut short",
                               (unsigned long long)r->pc);
        memcpy(q->bytes, bytes + at, q->len);
        at += lens[i];
        pc += lens[i];
    }
    if (trace_add_block(p->core, insns, r->ninsns, &index) != 0 ||
        remember_block(p, r->id, index) != 0)
        return plugin_fail(p, "out of memory");
    if (p->core->blocks[index].has_cet_insn)
        trace_note_cet_instructions(p->core, &p->core->blocks[index]);
    return 0;
}

void plugin_refresh_handlers(plugin_run *p)
{
    p->nhandlers = 0;
    for (int sig = 1; sig < 65; sig++) {
        uint64_t h = cet_model_signal_handler(p->core->model, sig);
        bool known = h <= 1;
        for (size_t i = 0; i < p->nhandlers && !known; i++)
            known = p->handlers[i] == h;
        if (!known && p->nhandlers < PLUGIN_MAX_HANDLERS)
            p->handlers[p->nhandlers++] = h;
    }
}

/* The signal whose handler starts at pc, 0 for none. */
static int signal_at(const plugin_run *p, uint64_t pc)
{
    size_t i = 0;
    while (i < p->nhandlers && p->handlers[i] != pc)
        i++;
    if (i == p->nhandlers)
        return 0;
    for (int sig = 1; sig < 65; sig++)
        if (cet_model_signal_handler(p->core->model, sig) == pc)
            return sig;
    return 0;
}

static uint64_t block_end(const trace_state *s, const trace_block *b)
{
    const qlog_insn *last = &s->insns[b->first + b->n - 1];
    return last->addr + last->len;
}

/* After a branch that ran: was a signal delivered before its target?  Only where the
 * arrival proves it (an indirect CALL or JMP to a handler is taken as the branch). */
static int delivered_after_branch(const plugin_run *p, const trace_block *b, uint64_t to)
{
    int sig = p->nhandlers ? signal_at(p, to) : 0;
    if (!sig)
        return 0;
    if (b->last_kind == INSN_RET || b->last_kind == INSN_RET_IMM)
        return sig;
    if (b->last_kind == INSN_CALL_DIRECT) {
        const qlog_insn *q = &p->core->insns[b->first + b->n - 1];
        insn in;
        if (insn_decode(q->bytes, q->len, q->addr, &in) == 0 && in.target != to)
            return sig;
    }
    return 0;
}

static void unexplained(plugin_run *p, trace_thread *t, const trace_block *b, uint64_t to)
{
    if (p->said_unexplained)
        return;
    p->said_unexplained = true;
    run_outcome_warn(p->core->out, "thread %d went from the block at 0x%llx to 0x%llx by no "
                     "transfer the plugin engine can place (a signal whose handler it did not "
                     "see?); it follows the thread from there", t->number,
                     (unsigned long long)b->pc, (unsigned long long)to);
}

int plugin_on_xfer(plugin_run *p, unsigned vcpu, unsigned flags, uint32_t from, uint32_t to)
{
    trace_state *s = p->core;
    const trace_block *b = plugin_block(p, from), *target = plugin_block(p, to);
    if (!b || !target)
        return plugin_fail(p, "the plugin named block %u, which it never described",
                           b ? to : from);
    if (vcpu >= TRACE_MAX_VCPUS)
        return plugin_fail(p, "the plugin named vCPU %u; the plugin engine follows at most %d "
                           "threads at once", vcpu, TRACE_MAX_VCPUS);
    trace_thread *t = &s->threads[vcpu];
    uint64_t pc = target->pc;
    bool from_b = true;
    if ((flags & CS_XFER_REACHED) && trace_ends_in_checked_transfer(b->last_kind)) {
        t->signal = delivered_after_branch(p, b, pc);
        t->signal_sync = false;
    } else if (pc >= b->pc && pc < block_end(s, b)) {
        from_b = false;                       /* QEMU restarted inside the block */
    } else if (!t->resolve_next) {
        t->signal = p->nhandlers ? signal_at(p, pc) : 0;
        t->signal_sync = true;                /* the block did not end as its code says */
        if (!t->signal) {
            unexplained(p, t, b, pc);
            from_b = false;
        }
    }
    t->has_prev = from_b && t->live;
    t->prev = (size_t)(b - s->blocks);
    bool delivery = t->signal != 0;
    int rc = trace_enter_block(s, (int)vcpu, pc, target);
    if (rc == 0 && delivery)
        plugin_refresh_handlers(p);   /* SA_RESETHAND may have reset one */
    return rc;
}
