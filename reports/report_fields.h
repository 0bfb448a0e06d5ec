/* Typed, forgiving access to the suite/run JSON: a missing or mistyped field gives
 * the default instead of failing, since a report of a broken run is still wanted. */
#ifndef CETHARNESS_REPORT_FIELDS_H
#define CETHARNESS_REPORT_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

enum rep_status { REP_PASS, REP_FAIL, REP_ERROR, REP_SKIP, REP_STATUS_COUNT };

struct rep_counts {
    long total, passed, failed, errors, skipped;
};

const char *rep_field_str(json_object *o, const char *key, const char *dflt);
/* Like rep_field_str but also gives the length, so embedded NULs survive. */
const char *rep_field_str_len(json_object *o, const char *key, size_t *len);
int64_t rep_field_int(json_object *o, const char *key, int64_t dflt);
int rep_field_has_int(json_object *o, const char *key);
double rep_field_double(json_object *o, const char *key, double dflt);
json_object *rep_field_obj(json_object *o, const char *key);
json_object *rep_field_array(json_object *o, const char *key);
/* A duration for the JSON reports, written with microsecond precision ("0.020040"),
 * not the 17 digits of a plain double. */
json_object *rep_new_seconds(double seconds);

/* Unknown or missing status counts as an error: the case could not be judged. */
enum rep_status rep_case_status(json_object *c);
const char *rep_status_word(enum rep_status s);   /* "pass", "fail", ... */
const char *rep_status_label(enum rep_status s);  /* "PASS", "FAIL", ... */

/* The case's category, else the part of its name before '/', else "uncategorized". */
const char *rep_case_category(json_object *c, char *buf, size_t buflen);
/* The case's name without the "CATEGORY/" prefix. */
const char *rep_case_short_name(json_object *c, const char *category);

int rep_in_category(json_object *c, const char *category);
/* The categories of cases in order of first appearance, as a new json array of strings. */
json_object *rep_categories(json_object *cases);

void rep_counts_add(struct rep_counts *k, enum rep_status s);
void rep_counts_of(json_object *cases, struct rep_counts *k);

/* A suite run with --conformance: its "mode" says so, or, in a report without "mode",
 * a case carries a "conformance" object. */
int rep_suite_conformance(json_object *suite);
/* The verdict of the case's "conformance" object ("conforms", "missed-cp", ...);
 * NULL when the case has none (skipped, or not judged). */
const char *rep_case_verdict(json_object *c);
/* How many cases (of category, or all when it is NULL) have a verdict: graded; and how
 * many of those conform. */
struct rep_conformance_counts {
    long graded, conform;
};
void rep_conformance_counts_of(json_object *cases, const char *category,
                               struct rep_conformance_counts *k);

/* Seconds with three decimals and a dot, whatever the locale ("0.210");
 * negative or non-finite values give "0.000". */
const char *rep_seconds(double s, char *buf, size_t buflen);

/* "shadow-stack" for "shstk", "indirect-branch" for "ibt". */
const char *rep_violation_kind(const char *type);
/* "returns to" for the return reasons, else "target". */
const char *rep_target_label(const char *reason);

#endif
