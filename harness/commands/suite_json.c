/* The suite object (docs/formats.md) built from the cases' states: what the JSON,
 * JUnit and HTML reports and the closing line are made from. */
#include "commands/suite_command_internal.h"

#include <stdint.h>

#include "commands/commands.h"
#include "report_fields.h"

/* Indexed by case_status. */
static const char *const status_names[] = {"pending", "pass", "fail", "error", "skip"};

static json_object *string_array(char **items, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(items[i]));
    return a;
}

/* The case's conformance verdict in brief (the run's report has the rest). */
static json_object *conformance_summary(json_object *conf)
{
    static const char *const keys[] = {"verdict", "pc", "pc_symbol", "detail"};
    json_object *o = json_object_new_object(), *v;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_object_object_add(o, keys[i], json_object_object_get_ex(conf, keys[i], &v)
                                               ? json_object_get(v) : NULL);
    return o;
}

static json_object *case_json(const case_state *c)
{
    json_object *o = json_object_new_object();
    const case_manifest *m = &c->m;
    json_object_object_add(o, "name", json_object_new_string(c->sc->name));
    json_object_object_add(o, "category", json_object_new_string(c->sc->category));
    json_object_object_add(o, "file", json_object_new_string(c->sc->file));
    json_object_object_add(o, "description",
                           json_object_new_string(m->description ? m->description : ""));
    json_object_object_add(o, "expect", string_array(m->expect_lines, m->nexpect));
    json_object_object_add(o, "options", string_array(m->options, m->noptions));
    json_object_object_add(o, "status", json_object_new_string(status_names[c->status]));
    json_object_object_add(o, "message", json_object_new_string(c->message));
    json_object_object_add(o, "observed", json_object_new_string(c->observed));
    json_object_object_add(o, "time_s", rep_new_seconds(c->time_s));
    json_object_object_add(o, "output", json_object_new_string(c->output ? c->output : ""));
    json_object *conf = NULL;
    if (c->run && json_object_object_get_ex(c->run, "conformance", &conf))
        json_object_object_add(o, "conformance", conformance_summary(conf));
    json_object_object_add(o, "run", c->run ? json_object_get(c->run) : NULL);
    return o;
}

static json_object *counts_json(const suite_ctx *s)
{
    size_t by_status[5] = {0};
    for (size_t i = 0; i < s->ncases; i++)
        by_status[s->cases[i].status]++;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "total", json_object_new_int64((int64_t)s->ncases));
    json_object_object_add(o, "passed", json_object_new_int64((int64_t)by_status[CASE_PASS]));
    json_object_object_add(o, "failed", json_object_new_int64((int64_t)by_status[CASE_FAIL]));
    json_object_object_add(o, "errors", json_object_new_int64((int64_t)by_status[CASE_ERROR]));
    json_object_object_add(o, "skipped", json_object_new_int64((int64_t)by_status[CASE_SKIP]));
    return o;
}

json_object *suite_build_json(const suite_ctx *s, const char *started, double wall_s)
{
    json_object *o = json_object_new_object(), *q = json_object_new_object();
    json_object *shard = json_object_new_object(), *cases = json_object_new_array();
    json_object_object_add(o, "tool", json_object_new_string("cetharness"));
    json_object_object_add(o, "version", json_object_new_string(CETHARNESS_VERSION));
    json_object_object_add(q, "path", json_object_new_string(s->qemu.path));
    json_object_object_add(q, "version",
                           *s->qemu.version ? json_object_new_string(s->qemu.version) : NULL);
    json_object_object_add(o, "qemu", q);
    json_object_object_add(o, "started", json_object_new_string(started));
    json_object_object_add(o, "mode", json_object_new_string(s->o->conformance ? "conformance"
                                                                               : "reference"));
    json_object_object_add(o, "wall_s", rep_new_seconds(wall_s));
    json_object_object_add(shard, "index", json_object_new_int((int)s->o->shard_index));
    json_object_object_add(shard, "count", json_object_new_int((int)s->o->shard_count));
    json_object_object_add(o, "shard", shard);
    json_object_object_add(o, "counts", counts_json(s));
    for (size_t i = 0; i < s->ncases; i++)
        json_object_array_add(cases, case_json(&s->cases[i]));
    json_object_object_add(o, "cases", cases);
    return o;
}
