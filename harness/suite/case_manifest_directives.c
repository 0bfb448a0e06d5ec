/* The directives other than expect: (case_manifest_expect.c): options:, timeout:
 * and needs:, which say how to run a case and when it cannot be run at all. */
#include "suite/case_manifest_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIMEOUT_S 86400.0

int directive_options(case_manifest *m, char *value, char *p, size_t cap)
{
    words w;
    if (manifest_split_words(value, &w))
        return manifest_problem(p, cap, "too many options on one line");
    for (size_t i = 0; i < w.n; i++) {
        if (strcmp(w.w[i], "--") == 0)
            return manifest_problem(p, cap, "options: must not contain '--'");
        if (manifest_push_string(&m->options, &m->noptions, w.w[i]))
            return manifest_problem(p, cap, "out of memory");
    }
    return 0;
}

int directive_timeout(case_manifest *m, char *value, char *p, size_t cap)
{
    char *end;
    errno = 0;
    double t = strtod(value, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == value || *end || !isfinite(t) || t <= 0 || t > MAX_TIMEOUT_S)
        return manifest_problem(p, cap, "bad timeout '%s' (seconds, > 0)", value);
    m->timeout_s = t;
    return 0;
}

/* "needs: engine=rsp REASON": the case is exact only under the RSP engine, and says why. */
static int needs_rsp_engine(case_manifest *m, const char *value, char *p, size_t cap)
{
    const char *reason = value + strspn(value, " \t") + strlen("engine=rsp");
    reason += strspn(reason, " \t");
    if (!*reason)
        return manifest_problem(p, cap, "needs: engine=rsp must say why the trace engine is not exact");
    free(m->needs_rsp_engine);
    m->needs_rsp_engine = strdup(reason);
    return m->needs_rsp_engine ? 0 : manifest_problem(p, cap, "out of memory");
}

int directive_needs(case_manifest *m, char *value, char *p, size_t cap)
{
    int major, minor, used = 0;
    char feature[64];
    if (strncmp(value + strspn(value, " \t"), "engine=rsp", strlen("engine=rsp")) == 0)
        return needs_rsp_engine(m, value, p, cap);
    /* "needs: model=NAME": a behaviour the harness's CET model may not have. */
    if (sscanf(value, " model=%63[a-z0-9-] %n", feature, &used) == 1 && !value[used]) {
        free(m->needs_model);
        m->needs_model = strdup(feature);
        return m->needs_model ? 0 : manifest_problem(p, cap, "out of memory");
    }
    used = 0;
    if (sscanf(value, " qemu>=%d.%d %n", &major, &minor, &used) != 2 || value[used] ||
        major < 0 || minor < 0)
        return manifest_problem(p, cap, "bad needs: '%s' (qemu>=X.Y, model=NAME or engine=rsp REASON)", value);
    m->has_needs_qemu = true;
    m->needs_qemu_major = major;
    m->needs_qemu_minor = minor;
    return 0;
}
