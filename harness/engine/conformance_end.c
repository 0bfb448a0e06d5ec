/* Grading how a conformance run ended: a guest that exited while a #CP was due, an
 * emulator that ended QEMU with a message instead of delivering SIGSEGV, a crash. */
#include "engine/conformance.h"
#include "engine/engine.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Does the emulator's message speak of a control-protection fault? */
static bool mentions_cp(const char *text)
{
    return strstr(text, "#CP") || strcasestr(text, "control protection") ||
           strcasestr(text, "control-protection");
}

/* The last hexadecimal address in the last line that mentions a #CP (else in the last
 * line): where the emulator says it raised it. */
static bool address_in(const char *text, uint64_t *addr)
{
    const char *line = NULL, *p = text;
    bool line_mentions_cp = false;
    for (const char *nl; (nl = strchr(p, '\n')) || *p; p = nl ? nl + 1 : p + strlen(p)) {
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char one[512];
        snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
        bool cp = mentions_cp(one);
        if (cp || !line_mentions_cp) {
            line = p;
            line_mentions_cp = cp;
        }
        if (!nl)
            break;
    }
    bool found = false;
    for (const char *q = line; q && *q && *q != '\n'; q++)
        if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && isxdigit((unsigned char)q[2])) {
            *addr = strtoull(q, NULL, 16);
            found = true;
        }
    return found;
}

static void grade_vanished(engine *e, const char *how, const char *tail)
{
    conformance_state *c = &e->conf;
    uint64_t said;
    bool has_said = address_in(tail, &said);
    if (c->cp.active) {
        if (has_said && said != c->cp.place)
            conformance_find(e, WRONG_PLACE, true, said, c->cp.insn_text,
                             "the emulator reported its #CP at 0x%llx and %s; CET hardware "
                             "raises it at 0x%llx", (unsigned long long)said, how,
                             (unsigned long long)c->cp.place);
        else
            conformance_find(e, WRONG_DELIVERY, true, c->cp.place, c->cp.insn_text,
                             "the emulator %s at the predicted #CP instead of delivering SIGSEGV "
                             "with si_code SEGV_CPERR to the guest", how);
    } else if (mentions_cp(tail)) {
        conformance_find(e, SPURIOUS_CP, has_said, has_said ? said : 0, "",
                         "the emulator reported a #CP%s and %s, where CET hardware raises none",
                         has_said ? " at that address" : "", how);
    } else {
        conformance_find(e, EMULATOR_ERROR, e->cur != NULL, e->regs.rip, "",
                         "the emulator %s, with no #CP predicted: %s", how,
                         e->out.message[0] ? e->out.message : "the connection closed");
    }
}

void conformance_grade_end(engine *e, const char *emulator_status, const char *stderr_tail)
{
    conformance_state *c = &e->conf;
    snprintf(c->emulator_stderr, sizeof c->emulator_stderr, "%s", stderr_tail ? stderr_tail : "");
    if (c->has_finding)
        return;
    switch (e->out.end) {
    case END_EXITED:
    case END_SIGNALED:
        if (c->cp.active)
            conformance_find_missed(e, NULL);
        return;
    case END_TIMEOUT:
        conformance_find(e, EMULATOR_ERROR, false, 0, "", "the guest did not end within the "
                         "time limit (the emulator hung, or the program runs too long)");
        return;
    default:
        grade_vanished(e, emulator_status && *emulator_status ? emulator_status : "ended",
                       c->emulator_stderr);
    }
}
