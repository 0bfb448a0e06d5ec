/* The model's life cycle, its threads, the event dispatch and the read-only queries. */
#include "model/model_internal.h"

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_THREAD_STACK = 8 << 20 };

static const model_handler handlers[CET_EVENT_KINDS] = {
    [CET_EVENT_THREAD_START] = model_thread_start,
    [CET_EVENT_THREAD_EXIT] = model_thread_exit,
    [CET_EVENT_CALL] = model_call,
    [CET_EVENT_RET] = model_ret,
    [CET_EVENT_INDIRECT_BRANCH] = model_indirect_branch,
    [CET_EVENT_FAR_CALL] = model_far_call,
    [CET_EVENT_FAR_RET] = model_far_ret,
    [CET_EVENT_CET_INSN] = model_cet_insn,
    [CET_EVENT_SYSCALL] = model_syscall,
    [CET_EVENT_SIGACTION] = model_sigaction,
    [CET_EVENT_SIGNAL] = model_signal,
    [CET_EVENT_SIGRETURN] = model_sigreturn,
    [CET_EVENT_RESYNC] = model_resync,
    [CET_EVENT_CPUID] = model_cpuid,
};

static const char *const kind_names[CET_EVENT_KINDS] = {
    [CET_EVENT_THREAD_START] = "thread-start", [CET_EVENT_THREAD_EXIT] = "thread-exit",
    [CET_EVENT_CALL] = "call", [CET_EVENT_RET] = "ret",
    [CET_EVENT_INDIRECT_BRANCH] = "indirect-branch", [CET_EVENT_FAR_CALL] = "far-call",
    [CET_EVENT_FAR_RET] = "far-ret", [CET_EVENT_CET_INSN] = "cet-insn",
    [CET_EVENT_SYSCALL] = "syscall", [CET_EVENT_SIGACTION] = "sigaction",
    [CET_EVENT_SIGNAL] = "signal", [CET_EVENT_SIGRETURN] = "sigreturn",
    [CET_EVENT_RESYNC] = "resync",       [CET_EVENT_CPUID] = "cpuid",
};

const char *cet_event_kind_name(cet_event_kind kind)
{
    return kind < CET_EVENT_KINDS ? kind_names[kind] : "?";
}

int cet_outcome_signal(cet_outcome outcome)
{
    switch (outcome) {
    case CET_NOTHING: case CET_EFFECT: return 0;
    case CET_FAULT_UD: return 4;   /* SIGILL */
    default: return 11;            /* SIGSEGV */
    }
}

cet_model *cet_model_new(const cet_model_config *config)
{
    cet_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->config = *config;
    if (!m->config.thread_stack_size)
        m->config.thread_stack_size = DEFAULT_THREAD_STACK;
    shadow_memory_init(&m->shadow);
    if (!m->config.shstk && !m->config.shstk_follows_program)
        m->features_locked = 1;   /* ARCH_SHSTK_SHSTK */
    return m;
}

void cet_model_free(cet_model *m)
{
    if (!m)
        return;
    shadow_memory_free(&m->shadow);
    free(m->threads);
    free(m);
}

int cet_model_apply(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    /* Copied from a zeroed verdict rather than memset: GCC makes the memset a REP STOS,
     * which cost more than the rest of a call or return in the stop-free engines. */
    static const cet_verdict nothing;
    *v = nothing;
    if (ev->kind >= CET_EVENT_KINDS || !handlers[ev->kind]) {
        v->note = "unknown event";
        return -1;
    }
    return handlers[ev->kind](m, ev, v);
}

/* --- threads ----------------------------------------------------------------- */

static model_thread *find_thread(const cet_model *m, int64_t tid)
{
    for (size_t i = 0; i < m->nthreads; i++)
        if (m->threads[i].tid == tid)
            return &m->threads[i];
    return NULL;
}

model_thread *model_thread_of(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    model_thread *t = find_thread(m, ev->tid);
    if (!t)
        v->note = "event on a thread the model never saw start";
    return t;
}

int model_enabled_stack(cet_model *m, const cet_event *ev, cet_verdict *v, shadow_stack **ss)
{
    model_thread *t = model_thread_of(m, ev, v);
    if (!t)
        return -1;
    *ss = t->ss.enabled ? &t->ss : NULL;
    return 0;
}

/* A new thread inherits its cloner's CET state and, with the shadow stack on, gets a
 * new, empty shadow stack (CET.md 3.4); the first thread gets the configured state. */
int model_thread_start(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    if (find_thread(m, ev->tid))
        return 0;
    if (m->nthreads == m->capthreads) {
        size_t cap = m->capthreads ? m->capthreads * 2 : 8;
        model_thread *grown = realloc(m->threads, cap * sizeof *grown);
        if (!grown) {
            v->note = "out of memory";
            return -1;
        }
        m->threads = grown;
        m->capthreads = cap;
    }
    const model_thread *parent = ev->u.thread.parent ? find_thread(m, ev->u.thread.parent) : NULL;
    model_thread *t = &m->threads[m->nthreads];
    memset(t, 0, sizeof *t);
    t->tid = ev->tid;
    bool enabled = parent ? parent->ss.enabled : m->config.shstk;
    t->ss.wrss_enabled = parent && parent->ss.wrss_enabled;
    uint64_t size = ev->u.thread.shadow_stack_size ? ev->u.thread.shadow_stack_size
                                                   : m->config.thread_stack_size;
    if (enabled && shadow_stack_create(&t->ss, &m->shadow, size) != 0) {
        v->note = "out of memory";
        return -1;
    }
    t->ss.enabled = enabled;
    m->nthreads++;
    return 0;
}

/* The kernel unmaps an exiting thread's shadow stack. */
int model_thread_exit(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    (void)v;
    model_thread *t = find_thread(m, ev->tid);
    if (!t)
        return 0;
    shadow_stack_destroy(&t->ss, &m->shadow);
    *t = m->threads[--m->nthreads];
    return 0;
}

/* --- verdicts ------------------------------------------------------------------ */

void verdict_fault(cet_verdict *v, cet_outcome outcome, const char *note)
{
    v->outcome = outcome;
    v->note = note;
}

void verdict_cp(cet_verdict *v, cet_cp_code code, const char *reason)
{
    v->outcome = CET_FAULT_CP;
    v->cp = code;
    v->reason = reason;
}

void verdict_from_ss(cet_verdict *v, ss_result r, const char *note)
{
    if (r == SS_FAULT_PAGE)
        verdict_fault(v, CET_FAULT_PF, note);
    else if (r == SS_FAULT_GP)
        verdict_fault(v, CET_FAULT_GP, note);
}

/* --- queries ------------------------------------------------------------------- */

bool cet_model_ibt(const cet_model *m)
{
    return m->config.ibt;
}

bool cet_model_knows_thread(const cet_model *m, int64_t tid)
{
    return find_thread(m, tid) != NULL;
}

bool cet_model_shstk_enabled(const cet_model *m, int64_t tid)
{
    const model_thread *t = find_thread(m, tid);
    return t && t->ss.enabled;
}

uint64_t cet_model_ssp(const cet_model *m, int64_t tid)
{
    const model_thread *t = find_thread(m, tid);
    return t ? t->ss.ssp : 0;
}

size_t cet_model_shadow_dump(const cet_model *m, int64_t tid, uint64_t *out, size_t max)
{
    const model_thread *t = find_thread(m, tid);
    return t ? shadow_stack_dump(&t->ss, &m->shadow, out, max) : 0;
}

bool cet_model_read_shadow(const cet_model *m, uint64_t addr, uint64_t *value)
{
    return shadow_memory_peek(&m->shadow, addr, value);
}

bool cet_model_is_shadow_memory(const cet_model *m, uint64_t addr, uint64_t len)
{
    return shadow_memory_overlaps(&m->shadow, addr, len);
}

size_t cet_model_shadow_regions(const cet_model *m, cet_shadow_region *out, size_t max,
                                uint64_t *generation)
{
    for (size_t i = 0; i < m->shadow.count && i < max; i++) {
        const shadow_region *r = &m->shadow.regions[i];
        out[i] = (cet_shadow_region){r->id, r->base, r->size};
    }
    *generation = m->shadow.generation;
    return m->shadow.count;
}

int cet_model_drain_shadow_writes(cet_model *m,
                                  int (*write)(void *ctx, uint64_t addr, const uint64_t *words,
                                               size_t count),
                                  void *ctx)
{
    return shadow_memory_drain(&m->shadow, write, ctx);
}
