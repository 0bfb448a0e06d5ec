/* Judging one case: its header's expectation against the JSON of its run
 * (docs/formats.md). */
#ifndef HARNESS_CASE_VERDICT_H
#define HARNESS_CASE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "suite/case_manifest.h"

/* Finds a label of the case's program: link-time address and size (0 for a bare
 * NASM label).  Returns false when the program has no such symbol.  Kept as a
 * callback so that judging needs no ELF file. */
typedef struct label_resolver {
    bool (*lookup)(void *ctx, const char *label, uint64_t *addr, uint64_t *size);
    void *ctx;
} label_resolver;

typedef enum verdict_status {
    VERDICT_PASS,
    VERDICT_FAIL,
    VERDICT_ERROR,
} verdict_status;

typedef struct case_verdict {
    verdict_status status;
    char observed[512];   /* what the run did, e.g. "clean exit=0" */
    char message[1024];   /* one line, "" on a pass */
} case_verdict;

/* run may be NULL (the run wrote no JSON): that is an error verdict. */
void case_verdict_judge(const case_manifest *m, json_object *run, const label_resolver *labels,
                        case_verdict *out);

const char *verdict_status_name(verdict_status s);   /* "pass", "fail", "error" */

#endif
