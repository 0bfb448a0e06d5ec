/* A case before its run: what can be settled without running (broken headers, skips,
 * missing programs) ends it here; the rest get their command line and watchdog.
 * suite_set_outcome is here because every stage records an outcome the same way. */
#include "commands/suite_command_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void suite_set_outcome(case_state *c, case_status s, const char *fmt, ...)
{
    va_list ap;
    c->status = s;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof c->message, fmt, ap);
    va_end(ap);
    for (char *p = c->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

static bool qemu_too_old(const qemu_info *q, const case_manifest *m)
{
    return q->major < m->needs_qemu_major ||
           (q->major == m->needs_qemu_major && q->minor < m->needs_qemu_minor);
}

/* Behaviours of CET that this harness's model does not have, named as cases'
 * "needs: model=NAME" name them.  Cases that need one are skipped, saying why. */
static const struct { const char *name, *why; } missing_model_features[] = {
    {"shadow-stack-writes-through-proc-mem",
     "the guest's writes to a shadow stack through /proc/self/mem change its copy of the "
     "shadow stack, not the model's"},
};

static const char *missing_model_feature(const char *name)
{
    for (size_t i = 0; i < sizeof missing_model_features / sizeof missing_model_features[0]; i++)
        if (strcmp(name, missing_model_features[i].name) == 0)
            return missing_model_features[i].why;
    return NULL;
}

/* Settles what can be settled without running: broken headers, skips, missing programs. */
void suite_preflight(const suite_ctx *s, case_state *c)
{
    char err[512];
    const case_manifest *m = &c->m;
    if (c->sc->problem) {
        suite_set_outcome(c, CASE_ERROR, "%s", c->sc->problem);
    } else if (case_manifest_load(c->sc->file, &c->m, err, sizeof err) != 0) {
        suite_set_outcome(c, CASE_ERROR, "%s", err);
    } else if (m->needs_model && missing_model_feature(m->needs_model)) {
        suite_set_outcome(c, CASE_SKIP, "needs model=%s: %s", m->needs_model,
                          missing_model_feature(m->needs_model));
    } else if (m->has_needs_qemu && !*s->qemu.version) {
        suite_set_outcome(c, CASE_ERROR, "needs qemu>=%d.%d, but the version of %s is unknown",
                          m->needs_qemu_major, m->needs_qemu_minor, s->qemu.path);
    } else if (m->has_needs_qemu && qemu_too_old(&s->qemu, m)) {
        suite_set_outcome(c, CASE_SKIP, "needs qemu>=%d.%d, QEMU is %s", m->needs_qemu_major,
                          m->needs_qemu_minor, s->qemu.version);
    } else if (access(c->sc->binary, R_OK) != 0) {
        suite_set_outcome(c, CASE_ERROR, "missing program %s: %s (build the corpus first)",
                          c->sc->binary, strerror(errno));
    }
}

char **suite_build_argv(const suite_ctx *s, const case_state *c)
{
    const case_manifest *m = &c->m;
    size_t n = 0, cap = 14 + s->o->nrun_options + m->noptions;
    char **argv = calloc(cap, sizeof *argv);
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%g", m->timeout_s > 0 ? m->timeout_s : s->o->timeout_s);
    const char *head[] = {"/proc/self/exe", "run", "--quiet", "--json", c->json_path,
                          "--timeout", timeout};
    for (size_t i = 0; argv && i < sizeof head / sizeof *head; i++)
        argv[n++] = strdup(head[i]);
    if (argv && s->o->qemu) {
        argv[n++] = strdup("--qemu");
        argv[n++] = strdup(s->o->qemu);
    }
    if (argv && s->o->conformance)
        argv[n++] = strdup("--conformance");
    if (argv && s->o->engine) {
        char engine[32];
        snprintf(engine, sizeof engine, "--engine=%s", m->needs_rsp_engine ? "rsp" : s->o->engine);
        argv[n++] = strdup(engine);
    }
    for (size_t i = 0; argv && i < s->o->nrun_options; i++)
        argv[n++] = strdup(s->o->run_options[i]);
    for (size_t i = 0; argv && i < m->noptions; i++)
        argv[n++] = strdup(m->options[i]);
    if (argv) {
        argv[n++] = strdup("--");
        argv[n++] = strdup(c->sc->binary);
    }
    for (size_t i = 0; argv && i < n; i++)
        if (!argv[i])
            return NULL;   /* out of memory: the caller reports the case as an error */
    return argv;
}

void suite_free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

double suite_watchdog_s(const suite_ctx *s, const case_state *c)
{
    return (c->m.timeout_s > 0 ? c->m.timeout_s : s->o->timeout_s) + WATCHDOG_GRACE_S;
}
