/* Report writers for cetharness.  Their input is the suite JSON and the run JSON of
 * docs/formats.md as json-c objects; they know nothing of RSP or QEMU.
 * Functions that can fail return 0 or -1 and put a one-line message in err. */
#ifndef CETHARNESS_REPORTS_H
#define CETHARNESS_REPORTS_H

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

/* The summary alone, without prefix or newline: "2 CET violations; guest exited with 0". */
void report_console_summary(FILE *out, json_object *run);

/* Merges shard reports into a new suite object (the caller puts it): cases
 * concatenated and sorted by name, counts recomputed, wall_s the maximum, shard info
 * dropped.  Fails on a duplicate case name or on shards run with different QEMUs. */
json_object *report_merge(json_object **suites, size_t n, char *err, size_t errlen);

/* Pretty JSON, written atomically (temporary file, then rename). */
int report_write_json(json_object *obj, const char *path, char *err, size_t errlen);

#endif
