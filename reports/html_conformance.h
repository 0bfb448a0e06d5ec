/* The parts of the suite page that only a conformance-mode report has (docs/formats.md,
 * "mode" and the per-case "conformance" object): how many graded cases conform, by
 * category, and the cases that do not, grouped by verdict. */
#ifndef CETHARNESS_HTML_CONFORMANCE_H
#define CETHARNESS_HTML_CONFORMANCE_H

#include <stdio.h>
#include <json-c/json.h>

/* Rules added to the page's stylesheet on a conformance page. */
extern const char html_conformance_css[];

/* <p id="conformance-total">N of M cases conform</p>, M counting the cases with a verdict. */
void html_conformance_total(FILE *out, json_object *cases);
/* The table by category with its "conform" column (N of M), and a row for all. */
void html_conformance_categories(FILE *out, json_object *cases, json_object *categories);
/* The non-conforming cases, one heading a verdict with its count: case, pc <symbol>,
 * detail. */
void html_conformance_findings(FILE *out, json_object *cases);

#endif
