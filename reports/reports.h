/* Report writers for cetharness.  Their input is the suite JSON and the run JSON of
 * docs/formats.md as json-c objects; they know nothing of RSP or QEMU.
 * Functions that can fail return 0 or -1 and put a one-line message in err. */
#ifndef CETHARNESS_REPORTS_H
#define CETHARNESS_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

/* JUnit XML (one <testsuite> per category) that GitLab, Jenkins and GitHub read.
 * The file is written whatever the cases' outcome. */
int report_junit_write(json_object *suite, const char *path, char *err, size_t errlen);

/* One self-contained HTML5 page: no external resources, readable without scripts. */
int report_html_write(json_object *suite, const char *path, char *err, size_t errlen);

/* A sanitizer-style block for one violation object of the run JSON.
 * color != 0 colours the headline with ANSI escapes. */
void report_console_violation(FILE *out, json_object *violation, int color);

/* Every violation of one run JSON object, its warnings, and a one-line summary. */
void report_console_run(FILE *out, json_object *run, int color);
/* A conformance run's verdict (nothing when the emulator conforms). */
void report_console_conformance(FILE *out, json_object *conformance, int color);

/* What the run did not check (its "not_checked"), a line each: the program the guest
 * exec'd, the children it forked. */
void report_console_not_checked(FILE *out, json_object *run);
/* Did the guest start anything the run did not check? */
bool report_run_incomplete(json_object *run);

/* The summary alone, without prefix or newline: "2 CET violations; guest exited with 0". */
void report_console_summary(FILE *out, json_object *run);

/* Merges shard reports into a new suite object (the caller puts it): cases
 * concatenated and sorted by name, counts recomputed, wall_s the maximum, shard info
 * dropped.  Fails on a duplicate case name or on shards run with different QEMUs. */
json_object *report_merge(json_object **suites, size_t n, char *err, size_t errlen);

/* Pretty JSON, written atomically (temporary file, then rename). */
int report_write_json(json_object *obj, const char *path, char *err, size_t errlen);

/* A suite report's shape as report_compare needs it: an object with a "cases" array of
 * objects, each with a distinct string "name"; a "conformance" member, when there is
 * one, an object with a string "verdict". */
int report_check_suite(json_object *suite, char *err, size_t errlen);

/* report_compare: what changed, case by case, between an OLD and a NEW suite report.
 * Both conformance-mode: each case's conformance verdict is compared (a case without
 * one by its status: "skip", "error"); else each case's status.  "Good" is "conforms",
 * or "pass" when statuses are compared; "skip" is neither good nor bad. */
enum report_change_kind {
    REPORT_NOW_GOOD,     /* good in NEW, not in OLD (or absent from OLD) */
    REPORT_REGRESSED,    /* graded and not good in NEW; good, skipped or absent in OLD */
    REPORT_OTHER_CHANGE, /* anything else that differs, a case gone from NEW included */
};

struct report_change {
    char *name;
    char *old_value, *new_value;   /* NULL: the case is absent from that report */
    enum report_change_kind kind;
};

struct report_comparison {
    int by_conformance;            /* 1: verdicts compared, 0: statuses */
    int old_conformance, new_conformance;  /* each report's mode */
    char *old_qemu, *new_qemu;     /* QEMU versions, "unknown" when not recorded */
    struct report_change *changes; /* sorted by case name */
    size_t nchanges, now_good, regressed, other, unchanged;
};

/* Fills cmp (report_comparison_free releases it); -1 with err when a report is not a
 * suite report (report_check_suite). */
int report_compare(json_object *old_suite, json_object *new_suite,
                   struct report_comparison *cmp, char *err, size_t errlen);
void report_comparison_free(struct report_comparison *cmp);
/* "CASE: OLD -> NEW" a change ("(absent)" for a missing side), then
 * "N cases changed: F now conform, B no longer conform, O other changes"
 * ("now pass"/"no longer pass" when statuses were compared). */
void report_comparison_print(FILE *out, const struct report_comparison *cmp);
/* The summary line alone, without newline. */
void report_comparison_summary(FILE *out, const struct report_comparison *cmp);
/* The same as a self-contained HTML page; old_label/new_label name the two reports. */
int report_comparison_html_write(const struct report_comparison *cmp, const char *old_label,
                                 const char *new_label, const char *path, char *err,
                                 size_t errlen);

#endif
