/* Conformance mode: the emulator under test enforces CET itself and executes every
 * instruction; the engine only observes.  At each checked event the model predicts
 * what CET hardware under Linux does, and this file compares the emulator's answer:
 * a #CP delivered as SIGSEGV with si_code SEGV_CPERR exactly where the model predicts
 * one, and nowhere else; CET instructions and CET system calls with the predicted
 * results.  The first difference decides the run's verdict (docs/formats.md). */
#ifndef HARNESS_CONFORMANCE_H
#define HARNESS_CONFORMANCE_H

#include "decode/insn.h"
#include "model/cet_model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;

typedef enum conformance_verdict {
    CONFORMS, MISSED_CP, SPURIOUS_CP, WRONG_PLACE, WRONG_DELIVERY, WRONG_EFFECT, EMULATOR_ERROR,
} conformance_verdict;

enum { CONFORMANCE_DUMP_MAX = 16 };

typedef struct conformance_finding {
    conformance_verdict verdict;
    bool has_pc;
    uint64_t pc;
    char detail[600];
    char insn_text[80];
    uint64_t stack[CONFORMANCE_DUMP_MAX]; size_t stack_depth;
} conformance_finding;

/* A #CP the model predicts: hardware raises it at `place` (the RET itself, or the
 * target an indirect branch lands on). */
typedef struct cp_prediction {
    bool active;
    uint64_t place, branch_pc, target;
    cet_verdict verdict;
    char insn_text[80];
    int steps_left;              /* instructions the emulator is given to react */
} cp_prediction;

/* EFFECT_EXECUTES: the instruction runs without a fault, its effect invisible here
 * (INCSSP, SAVEPREVSSP, WRSS move or write the shadow stack). */
typedef enum effect_kind {
    EFFECT_NONE, EFFECT_EXECUTES, EFFECT_REGISTER, EFFECT_CARRY, EFFECT_RESULT, EFFECT_SIGNAL
} effect_kind;

/* What the instruction being stepped over must leave behind. */
typedef struct effect_expectation {
    effect_kind kind;
    uint64_t pc;
    int reg;                     /* EFFECT_REGISTER: gdb register number */
    uint64_t value;              /* register value, system-call result */
    bool any_address;            /* EFFECT_RESULT: any success will do (a mapping's base is
                                    the emulator's to choose); only failures must match */
    bool carry;
    int signal;                  /* EFFECT_SIGNAL: the Linux signal hardware raises */
    char what[120];              /* "rdssp rax", "arch_prctl(0x5001, 0x1)" */
} effect_expectation;

typedef struct conformance_state {
    bool on;
    int siginfo;                 /* qXfer:siginfo:read: 1 works, 0 untried, -1 not offered */
    cp_prediction cp;
    effect_expectation effect;
    bool has_finding;
    conformance_finding finding;
    uint64_t predicted_cps, delivered_cps;
    char emulator_stderr[2048];  /* last lines of the emulator's stderr, when it died */
} conformance_state;

const char *conformance_verdict_name(conformance_verdict v);

/* The model predicts a #CP at the current stop (from engine_violation). */
void conformance_predict_cp(struct engine *e, const cet_verdict *v, const insn *in,
                            uint64_t target);
/* The instruction about to be stepped must have this effect. */
void conformance_expect(struct engine *e, const effect_expectation *x);
/* Record a finding (the first one is the run's verdict). */
void conformance_find(struct engine *e, conformance_verdict v, bool has_pc, uint64_t pc,
                      const char *insn_text, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The predicted #CP did not come: missed-cp.  now: where the emulator went instead,
 * NULL when the guest ran to its end. */
void conformance_find_missed(struct engine *e, const uint64_t *now);
/* A SIGTRAP stop of the current thread after a step: check what was expected.
 * Sets *again when the emulator gets one more instruction to raise a predicted #CP,
 * *ended when the verdict is decided and the run should end. */
int conformance_after_step(struct engine *e, bool *again, bool *ended);
/* A signal stop: is it the emulator's #CP, the fault the model predicted, or the
 * program's own signal?  *ended as above. */
int conformance_on_signal(struct engine *e, int linux_signal, bool *ended);
/* After the run: grade how it ended, if nothing was found before.  emulator_status
 * describes how QEMU itself ended when it vanished ("killed by SIGABRT", "exit 139"),
 * stderr_tail holds the last lines it wrote. */
void conformance_grade_end(struct engine *e, const char *emulator_status, const char *stderr_tail);

#endif
