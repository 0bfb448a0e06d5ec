/* Reading the plugin's ring while the guest runs: each complete record in order, and
 * when there is none, a wait that grows from spinning to short sleeps (the reader must
 * not take the core QEMU runs on).  The stream ends with CS_END, or when QEMU is gone
 * and nothing more is complete (a guest killed by a signal leaves no CS_END). */
#include "engine/plugin/plugin_run.h"

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int plugin_fail(plugin_run *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->core->out->message, sizeof p->core->out->message, fmt, ap);
    va_end(ap);
    p->core->out->end = END_ERROR;
    return -1;
}

static void note(plugin_run *p, const cs_hdr *h)
{
    const char *text = (const char *)(h + 1);
    size_t max = h->size - sizeof *h;
    run_outcome_warn(p->core->out, "the plugin: %.*s", (int)max, text);
}

static void layout(plugin_run *p, const cs_layout *r)
{
    trace_place_program(p->core, r->start_code);
    trace_place_loader(p->core, r->entry);
}

static int hello(plugin_run *p, const cs_small *r)
{
    if (r->a != CS_FORMAT_VERSION)
        return plugin_fail(p, "the plugin writes stream format %u, this cetharness reads %d: "
                           "rebuild both with make", r->a, CS_FORMAT_VERSION);
    p->hello = true;
    p->qemu_pid = r->b;
    return 0;
}

/* A thread's first block or its end: the vCPU's index is free again after CS_VCPU_EXIT. */
static int thread(plugin_run *p, unsigned vcpu, cs_type type, uint32_t tid)
{
    trace_state *s = p->core;
    if (vcpu >= TRACE_MAX_VCPUS)
        return plugin_fail(p, "the guest runs more than %d threads at once; the plugin engine "
                           "follows at most that many", TRACE_MAX_VCPUS);
    trace_thread *t = &s->threads[vcpu];
    if (t->live && trace_thread_exit(s, t) != 0)
        return plugin_fail(p, "the CET model could not end thread %d", t->number);
    if (type == CS_VCPU_EXIT)
        return 0;
    if (trace_thread_start(s, t) != 0)
        return -1;
    t->tid = tid;
    return 0;
}

int plugin_on_record(plugin_run *p, const cs_hdr *h)
{
    unsigned type = CS_WORD_TYPE(h->word), vcpu = CS_WORD_VCPU(h->word);
    unsigned flags = CS_WORD_FLAGS(h->word);
    const cs_small *small = (const cs_small *)h;
    if (type != CS_TB && type != CS_LAYOUT && type != CS_NOTE && type != CS_END &&
        type != CS_CHILD_EXEC)
        p->last_vcpu = (int)vcpu;
    switch (type) {
    case CS_HELLO: return hello(p, small);
    case CS_TB: return plugin_on_block(p, (const cs_tb *)h);
    case CS_XFER: return plugin_on_xfer(p, vcpu, flags, small->a, small->b);
    case CS_THREAD: case CS_VCPU_EXIT: return thread(p, vcpu, (cs_type)type, small->a);
    case CS_SYSCALL: return plugin_on_syscall(p, vcpu, (const cs_syscall *)h);
    case CS_SYSRET: return plugin_on_sysret(p, vcpu, (const cs_sysret *)h);
    case CS_SYSMEM: plugin_on_sysmem(p, vcpu, flags, (const cs_sysmem *)h); return 0;
    case CS_LAYOUT: layout(p, (const cs_layout *)h); return 0;
    case CS_NOTE: note(p, h); return 0;
    case CS_END: p->ended = true; return 0;
    case CS_CHILD_EXEC: return plugin_on_child_exec(p, flags, (const cs_child_exec *)h);
    default:
        return plugin_fail(p, "the plugin's stream holds a record of unknown type %u", type);
    }
}

/* Spin a little, then yield, then sleep longer and longer (up to a millisecond).  True
 * once it sleeps: only then is it worth asking whether QEMU is still there. */
static bool wait_a_little(unsigned *round)
{
    bool sleeps = *round >= 64;
    if (*round < 32) {
        __builtin_ia32_pause();
    } else if (!sleeps) {
        sched_yield();
    } else {
        long us = *round < 200 ? 50 : 1000;
        nanosleep(&(struct timespec){0, us * 1000}, NULL);
    }
    (*round)++;
    return sleeps;
}

int plugin_follow(plugin_run *p, trace_guest *g)
{
    unsigned round = 0;
    bool qemu_gone = false;
    while (!p->ended && !p->core->stop) {
        bool bad;
        const cs_hdr *h = cs_ring_peek(&p->ring, &bad);
        if (bad)
            return plugin_fail(p, "the plugin's stream is damaged at byte %llu",
                               (unsigned long long)p->ring.read);
        if (h) {
            round = 0;
            int rc = plugin_on_record(p, h);
            cs_ring_next(&p->ring, h);
            if (rc != 0)
                return -1;
            continue;
        }
        if (qemu_gone)
            break;      /* its last records were complete before it ended */
        cs_ring_release(&p->ring);
        if (wait_a_little(&round))
            qemu_gone = trace_guest_exited(g);
    }
    cs_ring_release(&p->ring);
    return 0;
}
