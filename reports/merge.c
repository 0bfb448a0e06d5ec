/* Merging the suite reports of shards (--shard I/N) into one suite report. */
#include "reports.h"
#include "report_fields.h"

#include <string.h>

/* The shard's own number when it recorded one, else its position (1-based). */
static long shard_number(json_object *suite, size_t position)
{
    return (long)rep_field_int(rep_field_obj(suite, "shard"), "index", (int64_t)position + 1);
}

static const char *qemu_version(json_object *suite)
{
    return rep_field_str(rep_field_obj(suite, "qemu"), "version", "unknown");
}

/* A report written before suites had a "mode" ran in reference mode. */
static const char *suite_mode(json_object *suite)
{
    return rep_field_str(suite, "mode", "reference");
}

static int check_shards(json_object **suites, size_t n, char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "merge: no reports to merge");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!rep_field_array(suites[i], "cases")) {
            snprintf(err, errlen, "merge: report %zu has no \"cases\" array", i + 1);
            return -1;
        }
        if (strcmp(qemu_version(suites[i]), qemu_version(suites[0])) != 0) {
            snprintf(err, errlen, "merge: shards ran different QEMUs: %s (shard %ld) and %s "
                     "(shard %ld)", qemu_version(suites[0]), shard_number(suites[0], 0),
                     qemu_version(suites[i]), shard_number(suites[i], i));
            return -1;
        }
        if (strcmp(suite_mode(suites[i]), suite_mode(suites[0])) != 0) {
            snprintf(err, errlen, "merge: shards ran in different modes: %s (shard %ld) and %s "
                     "(shard %ld)", suite_mode(suites[0]), shard_number(suites[0], 0),
                     suite_mode(suites[i]), shard_number(suites[i], i));
            return -1;
        }
    }
    return 0;
}

/* Adds copies of the shard's cases to merged; seen maps case name -> shard number. */
static int add_cases(json_object *merged, json_object *seen, json_object *suite,
                     size_t position, char *err, size_t errlen)
{
    json_object *cases = rep_field_array(suite, "cases");
    long shard = shard_number(suite, position);
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        const char *name = rep_field_str(c, "name", NULL);
        json_object *other = NULL;
        if (!name) {
            snprintf(err, errlen, "merge: case %zu of shard %ld has no name", i + 1, shard);
            return -1;
        }
        if (json_object_object_get_ex(seen, name, &other)) {
            snprintf(err, errlen, "merge: case %s is in shard %d and shard %ld", name,
                     json_object_get_int(other), shard);
            return -1;
        }
        json_object_object_add(seen, name, json_object_new_int((int)shard));
        json_object *copy = NULL;
        if (json_object_deep_copy(c, &copy, NULL) != 0) {
            snprintf(err, errlen, "merge: out of memory copying case %s", name);
            return -1;
        }
        json_object_array_add(merged, copy);
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    json_object *const *x = a, *const *y = b;
    return strcmp(rep_field_str(*x, "name", ""), rep_field_str(*y, "name", ""));
}

static json_object *counts_object(json_object *cases)
{
    struct rep_counts k;
    rep_counts_of(cases, &k);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "total", json_object_new_int64(k.total));
    json_object_object_add(o, "passed", json_object_new_int64(k.passed));
    json_object_object_add(o, "failed", json_object_new_int64(k.failed));
    json_object_object_add(o, "errors", json_object_new_int64(k.errors));
    json_object_object_add(o, "skipped", json_object_new_int64(k.skipped));
    return o;
}

/* ISO 8601 UTC timestamps of one format order as strings: the earliest is the least. */
static const char *earliest_start(json_object **suites, size_t n)
{
    const char *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = rep_field_str(suites[i], "started", NULL);
        if (s && (!best || strcmp(s, best) < 0))
            best = s;
    }
    return best;
}

static json_object *header_of(json_object **suites, size_t n)
{
    json_object *m = json_object_new_object();
    json_object *qemu = NULL;
    double wall = 0;
    for (size_t i = 0; i < n; i++) {
        double w = rep_field_double(suites[i], "wall_s", 0);
        wall = w > wall ? w : wall;
    }
    const char *started = earliest_start(suites, n);
    json_object_object_add(m, "tool", json_object_new_string(
                                          rep_field_str(suites[0], "tool", "cetharness")));
    json_object_object_add(m, "version", json_object_new_string(
                                             rep_field_str(suites[0], "version", "unknown")));
    if (rep_field_obj(suites[0], "qemu"))
        json_object_deep_copy(rep_field_obj(suites[0], "qemu"), &qemu, NULL);
    json_object_object_add(m, "qemu", qemu);
    if (started)
        json_object_object_add(m, "started", json_object_new_string(started));
    if (rep_field_str(suites[0], "mode", NULL))
        json_object_object_add(m, "mode", json_object_new_string(suite_mode(suites[0])));
    json_object_object_add(m, "wall_s", rep_new_seconds(wall));
    return m;
}

json_object *report_merge(json_object **suites, size_t n, char *err, size_t errlen)
{
    if (check_shards(suites, n, err, errlen) != 0)
        return NULL;
    json_object *cases = json_object_new_array();
    json_object *seen = json_object_new_object();
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_cases(cases, seen, suites[i], i, err, errlen);
    json_object_put(seen);
    if (rc != 0) {
        json_object_put(cases);
        return NULL;
    }
    json_object_array_sort(cases, by_name);
    json_object *merged = header_of(suites, n);
    json_object_object_add(merged, "counts", counts_object(cases));
    json_object_object_add(merged, "cases", cases);
    return merged;
}
