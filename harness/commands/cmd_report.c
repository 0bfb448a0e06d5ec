/* cetharness report: merges the JSON reports of suite shards and writes the
 * merged JSON, JUnit and HTML; or compares two suite reports case by case. */
#include "commands/commands.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fields.h"
#include "reports.h"

typedef struct report_options {
    bool merge, compare;
    const char *json, *junit, *html;
    char **inputs;
    size_t ninputs;
} report_options;

static void report_usage(FILE *out)
{
    fputs("usage: cetharness report --merge A.json B.json ... [--junit FILE] [--html FILE]\n"
          "                         [--json FILE]\n"
          "       cetharness report REPORT.json [--junit FILE] [--html FILE]\n"
          "       cetharness report --compare OLD.json NEW.json [--html FILE]\n"
          "Merges the --json reports of suite shards (or re-renders one) and prints\n"
          "the totals.  Exit status: 0 when no case failed, 1 otherwise, 2 on errors.\n"
          "--compare lists the cases whose conformance verdict (the case status when\n"
          "a report is a reference-mode one) differs, one 'CASE: OLD -> NEW' line each,\n"
          "then 'N cases changed: F now conform, B no longer conform, O other changes';\n"
          "--html writes the same as a page.  Exit status: 0 when no case regressed,\n"
          "1 when one that conformed (passed) in OLD does not in NEW or a new case does\n"
          "not, 2 on errors.\n",
          out);
}

static long counts_field(json_object *counts, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(counts, key, &v) ? (long)json_object_get_int64(v) : 0;
}

/* "conformance: N of M cases conform", M counting the cases with a verdict. */
static void print_conformance_line(json_object *suite)
{
    json_object *cases = rep_field_array(suite, "cases");
    if (!cases || !rep_suite_conformance(suite))
        return;
    struct rep_conformance_counts k;
    rep_conformance_counts_of(cases, NULL, &k);
    printf("conformance: %ld of %ld cases conform\n", k.conform, k.graded);
}

int suite_print_closing_line(json_object *suite)
{
    json_object *counts = NULL;
    print_conformance_line(suite);
    json_object_object_get_ex(suite, "counts", &counts);
    long passed = counts_field(counts, "passed");
    long failed = counts_field(counts, "failed") + counts_field(counts, "errors");
    long skipped = counts_field(counts, "skipped");
    printf("%ld passed, %ld failed", passed, failed);
    if (skipped > 0)
        printf(", %ld skipped", skipped);
    printf("\n");
    fflush(stdout);
    return failed > 0 ? 1 : 0;
}

int suite_write_reports(json_object *suite, const char *json_path, const char *junit_path,
                        const char *html_path, const char *who)
{
    static const struct {
        int (*write)(json_object *, const char *, char *, size_t);
    } writers[] = {{report_write_json}, {report_junit_write}, {report_html_write}};
    const char *paths[] = {json_path, junit_path, html_path};
    int status = 0;
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++) {
        char err[512] = "";
        if (paths[i] && writers[i].write(suite, paths[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", who, *err ? err : paths[i]);
            status = 2;
        }
    }
    return status;
}

static int parse_report_options(int argc, char **argv, report_options *o)
{
    static const struct option longopts[] = {
        {"merge", no_argument, NULL, 'm'},  {"compare", no_argument, NULL, 'c'},
        {"json", required_argument, NULL, 'J'},
        {"junit", required_argument, NULL, 'U'}, {"html", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},   {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1 || optind < argc;) {
        if (c == -1) {
            o->inputs = realloc(o->inputs, (o->ninputs + 1) * sizeof *o->inputs);
            if (!o->inputs)
                return -1;
            o->inputs[o->ninputs++] = argv[optind++];
            continue;
        }
        switch (c) {
        case 'm': o->merge = true; break;
        case 'c': o->compare = true; break;
        case 'J': o->json = optarg; break;
        case 'U': o->junit = optarg; break;
        case 'H': o->html = optarg; break;
        case 'h': return 1;
        case ':':
            fprintf(stderr, "cetharness report: %s needs an argument\n", argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "cetharness report: unknown option '%s'\n", argv[optind - 1]);
            return -1;
        }
    }
    return 0;
}

static int check_report_options(const report_options *o)
{
    if (o->ninputs == 0) {
        fprintf(stderr, "cetharness report: no input reports\n");
        return -1;
    }
    if (o->compare && (o->ninputs != 2 || o->merge || o->json || o->junit)) {
        fprintf(stderr, "cetharness report: --compare takes two reports, OLD and NEW, "
                        "and no --merge, --json or --junit\n");
        return -1;
    }
    if (o->ninputs > 1 && !o->merge && !o->compare) {
        fprintf(stderr, "cetharness report: several inputs need --merge\n");
        return -1;
    }
    return 0;
}

/* Loads every input; on failure prints why and returns -1 (suites freed). */
static int load_inputs(const report_options *o, json_object **suites)
{
    for (size_t i = 0; i < o->ninputs; i++) {
        suites[i] = json_object_from_file(o->inputs[i]);
        if (!suites[i] || !json_object_is_type(suites[i], json_type_object)) {
            const char *why = suites[i] ? "not a suite report" : json_util_get_last_err();
            why = why ? why : "unreadable";
            fprintf(stderr, "cetharness report: %s: %.*s\n", o->inputs[i],
                    (int)strcspn(why, "\n"), why);
            for (size_t k = 0; k <= i; k++)
                json_object_put(suites[k]);
            return -1;
        }
    }
    return 0;
}

static int render(const report_options *o, json_object **suites)
{
    json_object *merged = suites[0];
    char err[512] = "";
    if (o->merge && !(merged = report_merge(suites, o->ninputs, err, sizeof err))) {
        fprintf(stderr, "cetharness report: %s\n", *err ? err : "merge failed");
        return 2;
    }
    int status = suite_write_reports(merged, o->json, o->junit, o->html, "cetharness report");
    int verdict = suite_print_closing_line(merged);
    if (merged != suites[0])
        json_object_put(merged);
    return status ? status : verdict;
}

static int compare(const report_options *o, json_object **suites)
{
    char err[512] = "";
    for (size_t i = 0; i < 2; i++) {
        if (report_check_suite(suites[i], err, sizeof err) != 0) {
            fprintf(stderr, "cetharness report: %s: %s\n", o->inputs[i], err);
            return 2;
        }
    }
    struct report_comparison cmp;
    if (report_compare(suites[0], suites[1], &cmp, err, sizeof err) != 0) {
        fprintf(stderr, "cetharness report: %s\n", err);
        return 2;
    }
    if (cmp.old_conformance != cmp.new_conformance)
        fprintf(stderr, "cetharness report: %s is a reference-mode report: comparing case "
                        "status (pass, fail, error, skip)\n",
                o->inputs[cmp.old_conformance ? 1 : 0]);
    report_comparison_print(stdout, &cmp);
    fflush(stdout);
    int status = cmp.regressed > 0 ? 1 : 0;
    if (o->html && report_comparison_html_write(&cmp, o->inputs[0], o->inputs[1], o->html, err,
                                                sizeof err) != 0) {
        fprintf(stderr, "cetharness report: %s\n", err);
        status = 2;
    }
    report_comparison_free(&cmp);
    return status;
}

int cmd_report(int argc, char **argv)
{
    report_options o = {0};
    int rc = parse_report_options(argc, argv, &o);
    if (rc == 1) {
        report_usage(stdout);
        free(o.inputs);
        return 0;
    }
    if (rc != 0 || check_report_options(&o) != 0) {
        report_usage(stderr);
        free(o.inputs);
        return 2;
    }
    json_object **suites = calloc(o.ninputs, sizeof *suites);
    int status = 2;
    if (!suites)
        fprintf(stderr, "cetharness report: out of memory\n");
    else if (load_inputs(&o, suites) == 0) {
        status = o.compare ? compare(&o, suites) : render(&o, suites);
        for (size_t i = 0; i < o.ninputs; i++)
            json_object_put(suites[i]);
    }
    free(suites);
    free(o.inputs);
    return status;
}
