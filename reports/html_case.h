/* The <details> section of one case in the HTML report. */
#ifndef CETHARNESS_HTML_CASE_H
#define CETHARNESS_HTML_CASE_H

#include <stdio.h>
#include <json-c/json.h>

/* Guest output beyond this is cut so that one chatty case cannot bloat the page. */
#define HTML_OUTPUT_LIMIT (64 * 1024)

int html_case_details(FILE *out, json_object *c);

#endif
