/* Signals and the kernel's shadow-stack signal frame (CET.md 3.3): the restorer the
 * frame needs comes from rt_sigaction, the frame is pushed at delivery and checked
 * and popped by rt_sigreturn. */
#include "model/model_internal.h"

enum { SA_RESETHAND_FLAG = 0x80000000 };

int model_sigaction(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    (void)v;
    int sig = ev->u.sigaction.sig;
    if (sig <= 0 || sig >= MODEL_MAX_SIGNALS)
        return 0;
    m->sigactions[sig] = (signal_disposition){ev->u.sigaction.handler, ev->u.sigaction.flags,
                                           ev->u.sigaction.restorer};
    return 0;
}

int model_signal(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    model_thread *t = model_thread_of(m, ev, v);
    int sig = ev->u.signal.sig;
    if (!t)
        return -1;
    if (sig <= 0 || sig >= MODEL_MAX_SIGNALS)
        return 0;
    signal_disposition *act = &m->sigactions[sig];
    if (act->handler <= 1)
        return 0; /* default action or ignored: no frame */
    v->handler = act->handler;
    if (t->ss.enabled &&
        shadow_stack_push_signal_frame(&t->ss, &m->shadow, act->restorer) != SS_OK)
        v->note = "no room for a signal frame on the thread's shadow stack";
    if (act->flags & SA_RESETHAND_FLAG)
        act->handler = 0;
    return 0;
}

/* A signal token that is missing or bad is the kernel's badframe: SIGSEGV. */
int model_sigreturn(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    model_thread *t = model_thread_of(m, ev, v);
    if (!t)
        return -1;
    if (t->ss.enabled && shadow_stack_pop_signal_frame(&t->ss, &m->shadow) != SS_OK)
        verdict_fault(v, CET_KERNEL_SIGSEGV, "rt_sigreturn found no signal token at SSP");
    return 0;
}

uint64_t cet_model_signal_handler(const cet_model *m, int sig)
{
    return sig > 0 && sig < MODEL_MAX_SIGNALS ? m->sigactions[sig].handler : 0;
}
