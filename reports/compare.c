/* Comparing two suite reports case by case (cetharness report --compare): what a
 * patch to the emulator fixed or broke. */
#include "reports.h"
#include "report_fields.h"
#include "text_clean.h"

#include <stdlib.h>
#include <string.h>

static int check_case(json_object *c, size_t i, json_object *seen, char *err, size_t errlen)
{
    const char *name = rep_field_str(c, "name", NULL);
    json_object *conf = NULL;
    if (!name || !*name) {
        snprintf(err, errlen, "case %zu has no name", i + 1);
        return -1;
    }
    if (json_object_object_get_ex(seen, name, NULL)) {
        snprintf(err, errlen, "case %s appears twice", name);
        return -1;
    }
    json_object_object_add(seen, name, NULL);
    if (json_object_object_get_ex(c, "conformance", &conf) && conf && !rep_case_verdict(c)) {
        snprintf(err, errlen, "case %s: its \"conformance\" has no \"verdict\"", name);
        return -1;
    }
    return 0;
}

int report_check_suite(json_object *suite, char *err, size_t errlen)
{
    json_object *cases = rep_field_array(suite, "cases");
    if (!json_object_is_type(suite, json_type_object) || !cases) {
        snprintf(err, errlen, "not a suite report (no \"cases\" array)");
        return -1;
    }
    json_object *seen = json_object_new_object();
    int rc = 0;
    for (size_t i = 0; i < json_object_array_length(cases) && rc == 0; i++)
        rc = check_case(json_object_array_get_idx(cases, i), i, seen, err, errlen);
    json_object_put(seen);
    return rc;
}

/* name -> index into cases */
static json_object *name_index(json_object *cases)
{
    json_object *index = json_object_new_object();
    for (size_t i = 0; i < json_object_array_length(cases); i++)
        json_object_object_add(index, rep_field_str(json_object_array_get_idx(cases, i), "name", ""),
                               json_object_new_int64((int64_t)i));
    return index;
}

static json_object *case_by_name(json_object *cases, json_object *index, const char *name)
{
    json_object *i = NULL;
    if (!json_object_object_get_ex(index, name, &i))
        return NULL;
    return json_object_array_get_idx(cases, (size_t)json_object_get_int64(i));
}

/* What is compared for a case; NULL for an absent one. */
static const char *case_value(json_object *c, int by_conformance)
{
    if (!c)
        return NULL;
    const char *verdict = by_conformance ? rep_case_verdict(c) : NULL;
    return verdict ? verdict : rep_status_word(rep_case_status(c));
}

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static enum report_change_kind classify(const char *old, const char *new, const char *good)
{
    if (same(new, good))
        return REPORT_NOW_GOOD;
    int old_graded = old && strcmp(old, "skip") != 0;
    if (new && strcmp(new, "skip") != 0 && (!old_graded || same(old, good)))
        return REPORT_REGRESSED;
    return REPORT_OTHER_CHANGE;
}

static char *copy_line(const char *s)
{
    return s ? text_clean_line(s) : NULL;
}

static int add_change(struct report_comparison *cmp, const char *name, const char *old,
                      const char *new)
{
    struct report_change *grown = realloc(cmp->changes, (cmp->nchanges + 1) * sizeof *grown);
    if (!grown)
        return -1;
    cmp->changes = grown;
    struct report_change *ch = &cmp->changes[cmp->nchanges++];
    *ch = (struct report_change){copy_line(name), copy_line(old), copy_line(new),
                                 classify(old, new, cmp->by_conformance ? "conforms" : "pass")};
    size_t *tally[] = {[REPORT_NOW_GOOD] = &cmp->now_good, [REPORT_REGRESSED] = &cmp->regressed,
                       [REPORT_OTHER_CHANGE] = &cmp->other};
    (*tally[ch->kind])++;
    int oom = !ch->name || (old && !ch->old_value) || (new && !ch->new_value);
    return oom ? -1 : 0;
}

/* Every case of `from` against its namesake in `to`; with only_absent, only the cases
 * `to` lacks (the second pass, over NEW, adds the new cases). */
static int compare_cases(struct report_comparison *cmp, json_object *from, json_object *to,
                         int from_is_old, int only_absent)
{
    json_object *from_cases = rep_field_array(from, "cases");
    json_object *to_cases = rep_field_array(to, "cases");
    json_object *index = name_index(to_cases);
    int rc = 0;
    for (size_t i = 0; i < json_object_array_length(from_cases) && rc == 0; i++) {
        json_object *c = json_object_array_get_idx(from_cases, i);
        const char *name = rep_field_str(c, "name", "");
        json_object *other = case_by_name(to_cases, index, name);
        if (only_absent && other)
            continue;
        const char *a = case_value(c, cmp->by_conformance);
        const char *b = case_value(other, cmp->by_conformance);
        if (same(a, b))
            cmp->unchanged++;
        else
            rc = add_change(cmp, name, from_is_old ? a : b, from_is_old ? b : a);
    }
    json_object_put(index);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const struct report_change *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static char *qemu_version(json_object *suite)
{
    return strdup(rep_field_str(rep_field_obj(suite, "qemu"), "version", "unknown"));
}

static int check_both(json_object *old_suite, json_object *new_suite, char *err, size_t errlen)
{
    char why[512];
    if (report_check_suite(old_suite, why, sizeof why) != 0) {
        snprintf(err, errlen, "the old report: %s", why);
        return -1;
    }
    if (report_check_suite(new_suite, why, sizeof why) != 0) {
        snprintf(err, errlen, "the new report: %s", why);
        return -1;
    }
    return 0;
}

int report_compare(json_object *old_suite, json_object *new_suite,
                   struct report_comparison *cmp, char *err, size_t errlen)
{
    memset(cmp, 0, sizeof *cmp);
    if (check_both(old_suite, new_suite, err, errlen) != 0)
        return -1;
    cmp->old_conformance = rep_suite_conformance(old_suite);
    cmp->new_conformance = rep_suite_conformance(new_suite);
    cmp->by_conformance = cmp->old_conformance && cmp->new_conformance;
    cmp->old_qemu = qemu_version(old_suite);
    cmp->new_qemu = qemu_version(new_suite);
    int rc = cmp->old_qemu && cmp->new_qemu ? 0 : -1;
    if (rc == 0)
        rc = compare_cases(cmp, old_suite, new_suite, 1, 0);
    if (rc == 0)
        rc = compare_cases(cmp, new_suite, old_suite, 0, 1);
    if (rc != 0) {
        snprintf(err, errlen, "compare: out of memory");
        report_comparison_free(cmp);
        return -1;
    }
    if (cmp->nchanges > 1)
        qsort(cmp->changes, cmp->nchanges, sizeof *cmp->changes, by_name);
    return 0;
}

void report_comparison_free(struct report_comparison *cmp)
{
    for (size_t i = 0; i < cmp->nchanges; i++) {
        free(cmp->changes[i].name);
        free(cmp->changes[i].old_value);
        free(cmp->changes[i].new_value);
    }
    free(cmp->changes);
    free(cmp->old_qemu);
    free(cmp->new_qemu);
    memset(cmp, 0, sizeof *cmp);
}

void report_comparison_print(FILE *out, const struct report_comparison *cmp)
{
    for (size_t i = 0; i < cmp->nchanges; i++) {
        const struct report_change *ch = &cmp->changes[i];
        fprintf(out, "%s: %s -> %s\n", ch->name, ch->old_value ? ch->old_value : "(absent)",
                ch->new_value ? ch->new_value : "(absent)");
    }
    report_comparison_summary(out, cmp);
    fputc('\n', out);
}

void report_comparison_summary(FILE *out, const struct report_comparison *cmp)
{
    const char *good = cmp->by_conformance ? "conform" : "pass";
    fprintf(out, "%zu case%s changed: %zu now %s, %zu no longer %s, %zu other change%s",
            cmp->nchanges, cmp->nchanges == 1 ? "" : "s", cmp->now_good, good, cmp->regressed,
            good, cmp->other, cmp->other == 1 ? "" : "s");
}
