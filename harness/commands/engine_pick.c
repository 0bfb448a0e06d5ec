/* --engine: see engine_pick.h. */
#include "commands/engine_pick.h"

#include "engine/plugin/plugin_engine.h"

#include <stdio.h>

/* --engine=auto takes a stop-free engine where it gives the exact answer (recording
 * every violation while the guest runs on), the RSP engine where the guest must be
 * stopped or given answers: under --shstk=linux the program's own arch_prctl decides
 * whether it has a shadow stack, and only the RSP engine can answer it. */
int engine_pick_kind(const run_options *o, engine_pick *p, char *err, size_t errlen)
{
    bool stop_free = o->engine == ENGINE_TRACE || o->engine == ENGINE_PLUGIN;
    if (stop_free && (o->conformance || o->on_violation == ON_VIOLATION_SIGNAL)) {
        snprintf(err, errlen, "--engine=%s cannot %s (use --engine=rsp)",
                 o->engine == ENGINE_TRACE ? "trace" : "plugin",
                 o->conformance ? "grade an emulator: the emulator's answers are read at each stop"
                                : "deliver SIGSEGV at the violating instruction");
        return -1;
    }
    p->stop_free = stop_free || (o->engine == ENGINE_AUTO && !o->conformance &&
                                 o->on_violation == ON_VIOLATION_CONTINUE &&
                                 o->shstk != CET_LINUX);
    return 0;
}

int engine_pick_stop_free(const run_options *o, const char *qemu_path, engine_pick *p,
                          char *err, size_t errlen)
{
    char why[sizeof p->auto_note];
    if (o->engine == ENGINE_TRACE)
        return 0;
    bool found = plugin_engine_library(p->library, sizeof p->library, why, sizeof why);
    if (o->engine == ENGINE_PLUGIN) {
        if (!found)
            snprintf(err, errlen, "--engine=plugin: %s", why);
        p->plugin = found;
        return found ? 0 : -1;
    }
    p->plugin = found && plugin_engine_probe(qemu_path, p->library, why, sizeof why) == 1;
    if (!p->plugin)
        snprintf(p->auto_note, sizeof p->auto_note, "%s", why);
    return 0;
}

const char *engine_pick_name(const engine_pick *p)
{
    return !p->stop_free ? "rsp" : p->plugin ? "plugin" : "trace";
}
