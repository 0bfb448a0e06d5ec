/* The model's own state, shared by its files and by nobody else. */
#ifndef HARNESS_MODEL_INTERNAL_H
#define HARNESS_MODEL_INTERNAL_H

#include "model/cet_model.h"
#include "model/shadow_memory.h"
#include "model/shadow_stack.h"

enum { MODEL_MAX_SIGNALS = 65 };

typedef struct model_thread {
    int64_t tid;
    shadow_stack ss;
} model_thread;

typedef struct signal_disposition { uint64_t handler, flags, restorer; } signal_disposition;

struct cet_model {
    cet_model_config config;
    shadow_memory shadow;
    model_thread *threads; size_t nthreads, capthreads;
    uint64_t features_locked;            /* ARCH_SHSTK_LOCK'ed feature bits */
    signal_disposition sigactions[MODEL_MAX_SIGNALS];
};

/* The thread an event names; NULL (with v->note set) when the model never saw it. */
model_thread *model_thread_of(cet_model *m, const cet_event *ev, cet_verdict *v);

/* The shadow stack of the event's thread when it is on, else *ss = NULL; -1 (with
 * v->note set) when the model never saw the thread. */
int model_enabled_stack(cet_model *m, const cet_event *ev, cet_verdict *v, shadow_stack **ss);

/* Verdict helpers. */
void verdict_fault(cet_verdict *v, cet_outcome outcome, const char *note);
void verdict_cp(cet_verdict *v, cet_cp_code code, const char *reason);
/* SS_FAULT_* of the shadow-stack layer as the fault hardware raises. */
void verdict_from_ss(cet_verdict *v, ss_result r, const char *note);

/* Event handlers, one per kind (model_*.c). */
typedef int (*model_handler)(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_thread_start(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_thread_exit(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_call(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_ret(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_indirect_branch(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_far_call(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_far_ret(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_resync(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_cet_insn(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_syscall(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_sigaction(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_signal(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_sigreturn(cet_model *m, const cet_event *ev, cet_verdict *v);
int model_cpuid(cet_model *m, const cet_event *ev, cet_verdict *v);

#endif
