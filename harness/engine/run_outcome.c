#include "engine/run_outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_outcome_init(run_outcome *o, const char *engine_name, const engine_config *opt,
                      const elf_facts *elf)
{
    memset(o, 0, sizeof *o);
    o->engine_name = engine_name;
    o->opt = opt;
    o->elf = elf;
    module_map_init(&o->modules);
    o->unchecked.children_exact = true;
}

void run_outcome_free(run_outcome *o)
{
    module_map_free(&o->modules);
    free(o->violations);
    for (size_t i = 0; i < o->nwarnings; i++)
        free(o->warnings[i]);
    free(o->warnings);
    run_unchecked_free(&o->unchecked);
}

void run_outcome_warn(run_outcome *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    run_outcome_vwarn(o, fmt, ap);
    va_end(ap);
}

void run_outcome_vwarn(run_outcome *o, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    for (size_t i = 0; i < o->nwarnings; i++)
        if (strcmp(o->warnings[i], buf) == 0)
            return;
    char **grown = realloc(o->warnings, (o->nwarnings + 1) * sizeof *grown);
    if (!grown)
        return;
    o->warnings = grown;
    o->warnings[o->nwarnings] = strdup(buf);
    if (o->warnings[o->nwarnings])
        o->nwarnings++;
}

violation *run_outcome_add_violation(run_outcome *o)
{
    if (o->nviolations >= MAX_VIOLATIONS) {
        o->violations_dropped++;
        return NULL;
    }
    violation *grown = realloc(o->violations, (o->nviolations + 1) * sizeof *grown);
    if (!grown) {
        o->violations_dropped++;
        return NULL;
    }
    o->violations = grown;
    violation *v = &o->violations[o->nviolations++];
    memset(v, 0, sizeof *v);
    return v;
}

const char *run_outcome_symbolize(const run_outcome *o, uint64_t addr, char *buf, size_t cap)
{
    if (!*elf_symbolize(o->elf, o->load_bias, addr, buf, cap))
        module_map_symbolize(&o->modules, addr, buf, cap);
    return buf;
}
