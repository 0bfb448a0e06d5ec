#include "report_fields.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static json_object *field_typed(json_object *o, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

const char *rep_field_str(json_object *o, const char *key, const char *dflt)
{
    json_object *v = field_typed(o, key, json_type_string);
    return v ? json_object_get_string(v) : dflt;
}

const char *rep_field_str_len(json_object *o, const char *key, size_t *len)
{
    json_object *v = field_typed(o, key, json_type_string);
    *len = v ? (size_t)json_object_get_string_len(v) : 0;
    return v ? json_object_get_string(v) : NULL;
}

int rep_field_has_int(json_object *o, const char *key)
{
    return field_typed(o, key, json_type_int) != NULL;
}

int64_t rep_field_int(json_object *o, const char *key, int64_t dflt)
{
    json_object *v = field_typed(o, key, json_type_int);
    return v ? json_object_get_int64(v) : dflt;
}

double rep_field_double(json_object *o, const char *key, double dflt)
{
    json_object *v = field_typed(o, key, json_type_double);
    if (!v)
        v = field_typed(o, key, json_type_int);
    return v ? json_object_get_double(v) : dflt;
}

json_object *rep_field_obj(json_object *o, const char *key)
{
    return field_typed(o, key, json_type_object);
}

json_object *rep_field_array(json_object *o, const char *key)
{
    return field_typed(o, key, json_type_array);
}

static const struct {
    const char *word, *label;
} status_names[REP_STATUS_COUNT] = {
    [REP_PASS] = {"pass", "PASS"},
    [REP_FAIL] = {"fail", "FAIL"},
    [REP_ERROR] = {"error", "ERROR"},
    [REP_SKIP] = {"skip", "SKIP"},
};

enum rep_status rep_case_status(json_object *c)
{
    const char *s = rep_field_str(c, "status", "");
    for (int i = 0; i < REP_STATUS_COUNT; i++)
        if (strcmp(s, status_names[i].word) == 0)
            return (enum rep_status)i;
    return REP_ERROR;
}

const char *rep_status_word(enum rep_status s)
{
    return status_names[s].word;
}

const char *rep_status_label(enum rep_status s)
{
    return status_names[s].label;
}

const char *rep_case_category(json_object *c, char *buf, size_t buflen)
{
    const char *cat = rep_field_str(c, "category", NULL);
    if (cat && *cat)
        return cat;
    const char *name = rep_field_str(c, "name", "");
    const char *slash = strchr(name, '/');
    if (!slash || slash == name)
        return "uncategorized";
    snprintf(buf, buflen, "%.*s", (int)(slash - name), name);
    return buf;
}

const char *rep_case_short_name(json_object *c, const char *category)
{
    const char *name = rep_field_str(c, "name", "");
    size_t n = strlen(category);
    if (strncmp(name, category, n) == 0 && name[n] == '/' && name[n + 1])
        return name + n + 1;
    return *name ? name : "unnamed";
}

int rep_in_category(json_object *c, const char *category)
{
    char buf[256];
    return strcmp(rep_case_category(c, buf, sizeof buf), category) == 0;
}

json_object *rep_categories(json_object *cases)
{
    json_object *list = json_object_new_array();
    json_object *seen = json_object_new_object();
    size_t n = cases ? json_object_array_length(cases) : 0;
    for (size_t i = 0; i < n; i++) {
        char buf[256];
        const char *cat = rep_case_category(json_object_array_get_idx(cases, i), buf, sizeof buf);
        if (!json_object_object_get_ex(seen, cat, NULL)) {
            json_object_object_add(seen, cat, NULL);
            json_object_array_add(list, json_object_new_string(cat));
        }
    }
    json_object_put(seen);
    return list;
}

void rep_counts_add(struct rep_counts *k, enum rep_status s)
{
    k->total++;
    long *slot[REP_STATUS_COUNT] = {
        [REP_PASS] = &k->passed, [REP_FAIL] = &k->failed,
        [REP_ERROR] = &k->errors, [REP_SKIP] = &k->skipped,
    };
    (*slot[s])++;
}

void rep_counts_of(json_object *cases, struct rep_counts *k)
{
    memset(k, 0, sizeof *k);
    size_t n = cases ? json_object_array_length(cases) : 0;
    for (size_t i = 0; i < n; i++)
        rep_counts_add(k, rep_case_status(json_object_array_get_idx(cases, i)));
}

int rep_suite_conformance(json_object *suite)
{
    const char *mode = rep_field_str(suite, "mode", NULL);
    if (mode)
        return strcmp(mode, "conformance") == 0;
    json_object *cases = rep_field_array(suite, "cases");
    for (size_t i = 0; cases && i < json_object_array_length(cases); i++)
        if (rep_field_obj(json_object_array_get_idx(cases, i), "conformance"))
            return 1;
    return 0;
}

const char *rep_case_verdict(json_object *c)
{
    return rep_field_str(rep_field_obj(c, "conformance"), "verdict", NULL);
}

void rep_conformance_counts_of(json_object *cases, const char *category,
                               struct rep_conformance_counts *k)
{
    memset(k, 0, sizeof *k);
    size_t n = cases ? json_object_array_length(cases) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        const char *verdict = rep_case_verdict(c);
        if (!verdict || (category && !rep_in_category(c, category)))
            continue;
        k->graded++;
        k->conform += strcmp(verdict, "conforms") == 0;
    }
}

/* Integer arithmetic instead of "%.3f": printf's decimal point follows LC_NUMERIC. */
const char *rep_seconds(double s, char *buf, size_t buflen)
{
    if (!isfinite(s) || s < 0 || s > 1e12)
        s = 0;
    long long ms = (long long)(s * 1000.0 + 0.5);
    snprintf(buf, buflen, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

static const struct {
    const char *type, *kind;
} violation_kinds[] = {
    {"ibt", "indirect-branch"},
    {"shstk", "shadow-stack"},
};

/* Reasons whose target is where a return goes rather than where a branch lands. */
static const char *const return_reasons[] = {
    "ret-mismatch", "ret-underflow", "far-ret-mismatch",
};

const char *rep_violation_kind(const char *type)
{
    for (size_t i = 0; i < sizeof violation_kinds / sizeof violation_kinds[0]; i++)
        if (strcmp(type, violation_kinds[i].type) == 0)
            return violation_kinds[i].kind;
    return *type ? type : "CET";
}

const char *rep_target_label(const char *reason)
{
    for (size_t i = 0; i < sizeof return_reasons / sizeof return_reasons[0]; i++)
        if (strcmp(reason, return_reasons[i]) == 0)
            return "returns to";
    return "target";
}

json_object *rep_new_seconds(double seconds)
{
    char text[32];
    snprintf(text, sizeof text, "%.6f", seconds);
    return json_object_new_double_s(seconds, text);
}
