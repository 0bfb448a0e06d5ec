/* Grading an emulator's CET against the model's predictions (conformance.h). */
#include "engine/conformance.h"
#include "engine/engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINUX_SIGILL = 4, LINUX_SIGSEGV = 11, SEGV_CPERR = 10 };

const char *conformance_verdict_name(conformance_verdict v)
{
    static const char *const names[] = {
        [CONFORMS] = "conforms", [MISSED_CP] = "missed-cp", [SPURIOUS_CP] = "spurious-cp",
        [WRONG_PLACE] = "wrong-place", [WRONG_DELIVERY] = "wrong-delivery",
        [WRONG_EFFECT] = "wrong-effect", [EMULATOR_ERROR] = "emulator-error",
    };
    return v <= EMULATOR_ERROR ? names[v] : "?";
}

static const char *cp_name(cet_cp_code cp)
{
    switch (cp) {
    case CP_NEAR_RET: return "near-ret";
    case CP_FAR_RET: return "far-ret";
    case CP_ENDBRANCH: return "endbranch";
    case CP_RSTORSSP: return "rstorssp";
    default: return "setssbsy";
    }
}

void conformance_find(engine *e, conformance_verdict v, bool has_pc, uint64_t pc,
                      const char *insn_text, const char *fmt, ...)
{
    conformance_state *c = &e->conf;
    if (c->has_finding)
        return;
    c->has_finding = true;
    conformance_finding *f = &c->finding;
    memset(f, 0, sizeof *f);
    f->verdict = v;
    f->has_pc = has_pc;
    f->pc = pc;
    snprintf(f->insn_text, sizeof f->insn_text, "%s", insn_text ? insn_text : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    if (e->cur)
        f->stack_depth = cet_model_shadow_dump(e->model, e->cur->tid, f->stack, CONFORMANCE_DUMP_MAX);
}

void conformance_predict_cp(engine *e, const cet_verdict *v, const insn *in, uint64_t target)
{
    cp_prediction *p = &e->conf.cp;
    memset(p, 0, sizeof *p);
    p->active = true;
    p->verdict = *v;
    p->branch_pc = in->addr;
    p->target = target;
    /* A #CP is a fault: RIP is the RET (or RSTORSSP...) itself, except for ENDBRANCH,
     * which the target's fetch raises. */
    p->place = v->cp == CP_ENDBRANCH ? target : in->addr;
    p->steps_left = 1;
    snprintf(p->insn_text, sizeof p->insn_text, "%s", in->text);
    e->conf.predicted_cps++;
}

void conformance_expect(engine *e, const effect_expectation *x)
{
    e->conf.effect = *x;
}

/* What the model expected and the emulator did not do, in words.  now: where the
 * emulator went on to, or NULL when the guest ran to its end. */
void conformance_find_missed(engine *e, const uint64_t *now)
{
    cp_prediction *p = &e->conf.cp;
    const cet_verdict *v = &p->verdict;
    char went[64] = "ran on to the end of the guest";
    if (now)
        snprintf(went, sizeof went, "went on to 0x%llx", (unsigned long long)*now);
    p->active = false;
    if (v->cp == CP_ENDBRANCH)
        conformance_find(e, MISSED_CP, true, p->place, p->insn_text,
                         "%s at 0x%llx landed on 0x%llx, which has no ENDBR64, and the emulator "
                         "%s; CET hardware raises #CP(endbranch) at 0x%llx", p->insn_text,
                         (unsigned long long)p->branch_pc, (unsigned long long)p->target, went,
                         (unsigned long long)p->place);
    else if (v->has_expected)
        conformance_find(e, MISSED_CP, true, p->place, p->insn_text,
                         "%s at 0x%llx (to 0x%llx) was carried out and the emulator %s; CET "
                         "hardware raises #CP(%s) there: the shadow stack holds 0x%llx",
                         p->insn_text, (unsigned long long)p->place, (unsigned long long)p->target,
                         went, cp_name(v->cp), (unsigned long long)v->expected);
    else
        conformance_find(e, MISSED_CP, true, p->place, p->insn_text,
                         "%s at 0x%llx was carried out and the emulator %s; CET hardware raises "
                         "#CP(%s) there", p->insn_text, (unsigned long long)p->place, went,
                         cp_name(v->cp));
}

static int check_effect(engine *e, const effect_expectation *x)
{
    uint64_t got = 0;
    switch (x->kind) {
    case EFFECT_REGISTER:
    case EFFECT_RESULT:
        if (engine_reg(e, x->reg, &got) != 0)
            return -1;
        if (x->any_address && (int64_t)x->value >= 0 && !((int64_t)got < 0 && (int64_t)got > -4096))
            return 0;
        if (got != x->value)
            conformance_find(e, WRONG_EFFECT, true, x->pc, x->what,
                             "%s left 0x%llx; CET hardware under Linux gives 0x%llx", x->what,
                             (unsigned long long)got, (unsigned long long)x->value);
        return 0;
    case EFFECT_CARRY:
        if (engine_load_registers(e) != 0)
            return -1;
        if (((e->regs.eflags & 1) != 0) != x->carry)
            conformance_find(e, WRONG_EFFECT, true, x->pc, x->what,
                             "%s left CF=%d; CET hardware gives CF=%d", x->what,
                             (int)(e->regs.eflags & 1), (int)x->carry);
        return 0;
    case EFFECT_SIGNAL:
        conformance_find(e, WRONG_EFFECT, true, x->pc, x->what,
                         "%s ran; CET hardware raises %s there", x->what,
                         x->signal == LINUX_SIGILL ? "#UD (SIGILL)" : "a fault (SIGSEGV)");
        return 0;
    default:
        return 0;
    }
}

int conformance_after_step(engine *e, bool *again, bool *ended)
{
    conformance_state *c = &e->conf;
    *again = *ended = false;
    effect_expectation x = c->effect;
    c->effect.kind = EFFECT_NONE;
    if (x.kind != EFFECT_NONE && check_effect(e, &x) != 0)
        return -1;
    if (c->cp.active) {
        if (c->cp.steps_left-- > 0) {
            *again = true;  /* an emulator may check at the next instruction's fetch */
        } else {
            conformance_find_missed(e, &e->regs.rip);
        }
    }
    *ended = c->has_finding;
    return 0;
}

/* si_code of the signal the thread stopped with, where the stub tells (QEMU >= 10). */
static bool read_si_code(engine *e, int *si_code)
{
    char *data = NULL;
    size_t len = 0;
    if (e->conf.siginfo < 0)
        return false;
    if (rsp_read_xfer(e->rsp, "siginfo", "", &data, &len) != RSP_OK || len < 12) {
        free(data);
        e->conf.siginfo = -1;
        return false;
    }
    int32_t code;
    memcpy(&code, data + 8, 4);
    free(data);
    e->conf.siginfo = 1;
    *si_code = code;
    return true;
}

static void grade_delivery(engine *e, int sig, bool known, int si_code)
{
    cp_prediction *p = &e->conf.cp;
    uint64_t pc = e->regs.rip;
    p->active = false;
    if (sig != LINUX_SIGSEGV || (known && si_code != SEGV_CPERR)) {
        conformance_find(e, WRONG_DELIVERY, true, pc, p->insn_text,
                         "the emulator raised signal %d (si_code %d) at 0x%llx for the #CP(%s) "
                         "of %s; Linux delivers SIGSEGV with si_code SEGV_CPERR (10)",
                         sig, known ? si_code : 0, (unsigned long long)pc,
                         cp_name(p->verdict.cp), p->insn_text);
    } else if (pc != p->place) {
        conformance_find(e, WRONG_PLACE, true, pc, p->insn_text,
                         "the emulator raised its #CP at 0x%llx; CET hardware raises #CP(%s) "
                         "at 0x%llx", (unsigned long long)pc, cp_name(p->verdict.cp),
                         (unsigned long long)p->place);
    } else {
        e->conf.delivered_cps++;
        if (!known)
            engine_warn(e, "si_code not checked: this QEMU's gdbstub does not offer "
                           "qXfer:siginfo:read");
    }
}

int conformance_on_signal(engine *e, int sig, bool *ended)
{
    conformance_state *c = &e->conf;
    int si_code = 0;
    bool known = sig == LINUX_SIGSEGV && read_si_code(e, &si_code);
    effect_expectation x = c->effect;
    c->effect.kind = EFFECT_NONE;
    *ended = false;
    if (c->cp.active) {
        grade_delivery(e, sig, known, si_code);
    } else if (x.kind == EFFECT_SIGNAL) {
        if (x.signal != sig)
            conformance_find(e, WRONG_EFFECT, true, x.pc, x.what,
                             "%s raised signal %d; CET hardware raises signal %d", x.what, sig,
                             x.signal);
    } else if (x.kind != EFFECT_NONE) {
        conformance_find(e, WRONG_EFFECT, true, x.pc, x.what,
                         "%s raised signal %d; CET hardware carries it out", x.what, sig);
    } else if (known && si_code == SEGV_CPERR) {
        conformance_find(e, SPURIOUS_CP, true, e->regs.rip, "",
                         "the emulator raised a #CP (SIGSEGV, SEGV_CPERR) at 0x%llx, where CET "
                         "hardware raises none", (unsigned long long)e->regs.rip);
    }
    *ended = c->has_finding;
    return 0;
}
