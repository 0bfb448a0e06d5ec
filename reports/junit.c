/* JUnit XML in the subset GitLab, Jenkins and GitHub actions all read
 * (/work/shared/ECOSYSTEM.md section 6): one <testsuite> per category, every string
 * cleaned of bytes XML 1.0 cannot hold, counts computed from the cases themselves. */
#include "reports.h"
#include "report_fields.h"
#include "report_file.h"
#include "text_clean.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Guest output beyond this is cut: CI servers refuse huge reports (GitLab: 30 MB). */
#define JUNIT_OUTPUT_LIMIT (256 * 1024)

struct junit {
    xmlTextWriterPtr w;
    json_object *suite;
    char hostname[256];
    int failed; /* a libxml2 call failed; the file is abandoned */
};

static void check(struct junit *j, int rc)
{
    if (rc < 0)
        j->failed = 1;
}

static void start(struct junit *j, const char *element)
{
    check(j, xmlTextWriterStartElement(j->w, BAD_CAST element));
}

static void end(struct junit *j)
{
    check(j, xmlTextWriterEndElement(j->w));
}

static void attr(struct junit *j, const char *name, const char *value)
{
    char *clean = text_clean_line(value);
    if (!clean) {
        j->failed = 1;
        return;
    }
    check(j, xmlTextWriterWriteAttribute(j->w, BAD_CAST name, BAD_CAST clean));
    free(clean);
}

static void attr_long(struct junit *j, const char *name, long value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", value);
    attr(j, name, buf);
}

static void attr_seconds(struct junit *j, const char *name, double s)
{
    char buf[32];
    attr(j, name, rep_seconds(s, buf, sizeof buf));
}

/* Text content; libxml2 escapes & < > itself. */
static void text(struct junit *j, const char *s, size_t len, size_t limit)
{
    char *clean = text_clean(s, len, limit);
    if (!clean) {
        j->failed = 1;
        return;
    }
    check(j, xmlTextWriterWriteString(j->w, BAD_CAST clean));
    free(clean);
}

static void text_element(struct junit *j, const char *element, const char *s, size_t len)
{
    start(j, element);
    text(j, s, len, JUNIT_OUTPUT_LIMIT);
    end(j);
}

static void counts_attrs(struct junit *j, const struct rep_counts *k, double time_s)
{
    attr_long(j, "tests", k->total);
    attr_long(j, "failures", k->failed);
    attr_long(j, "errors", k->errors);
    attr_long(j, "skipped", k->skipped);
    attr_seconds(j, "time", time_s);
}

static void property(struct junit *j, const char *name, const char *value)
{
    if (!value)
        return;
    start(j, "property");
    attr(j, "name", name);
    attr(j, "value", value);
    end(j);
}

static void properties(struct junit *j)
{
    json_object *qemu = rep_field_obj(j->suite, "qemu");
    start(j, "properties");
    property(j, "qemu.path", rep_field_str(qemu, "path", NULL));
    property(j, "qemu.version", rep_field_str(qemu, "version", NULL));
    property(j, "cetharness.version", rep_field_str(j->suite, "version", NULL));
    end(j);
}

/* expected/observed, the case's message, then the run as the console would print it. */
static char *case_body(json_object *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    json_object *expect = rep_field_array(c, "expect");
    size_t n = expect ? json_object_array_length(expect) : 0;
    for (size_t i = 0; i < n; i++)
        fprintf(f, "expected: %s\n",
                json_object_get_string(json_object_array_get_idx(expect, i)));
    const char *observed = rep_field_str(c, "observed", NULL);
    if (observed)
        fprintf(f, "observed: %s\n", observed);
    const char *message = rep_field_str(c, "message", "");
    if (*message)
        fprintf(f, "%s\n", message);
    json_object *run = rep_field_obj(c, "run");
    if (run) {
        fputc('\n', f);
        report_console_run(f, run, 0);
    }
    fclose(f);
    return buf;
}

static const struct {
    const char *element, *type, *default_message;
} outcome_elements[REP_STATUS_COUNT] = {
    [REP_FAIL] = {"failure", "cet-mismatch", "the run disagreed with the expectation"},
    [REP_ERROR] = {"error", "harness-error", "the case could not be judged"},
    [REP_SKIP] = {"skipped", NULL, "skipped"},
};

static void outcome(struct junit *j, json_object *c, enum rep_status s)
{
    if (!outcome_elements[s].element)
        return;
    const char *message = rep_field_str(c, "message", "");
    start(j, outcome_elements[s].element);
    attr(j, "message", *message ? message : outcome_elements[s].default_message);
    if (outcome_elements[s].type) {
        attr(j, "type", outcome_elements[s].type);
        char *body = case_body(c);
        if (!body)
            j->failed = 1;
        else
            text(j, body, strlen(body), JUNIT_OUTPUT_LIMIT);
        free(body);
    }
    end(j);
}

static void warnings_element(struct junit *j, json_object *c)
{
    json_object *warnings = rep_field_array(rep_field_obj(c, "run"), "warnings");
    size_t n = warnings ? json_object_array_length(warnings) : 0;
    if (n == 0)
        return;
    start(j, "system-err");
    for (size_t i = 0; i < n; i++) {
        const char *w = json_object_get_string(json_object_array_get_idx(warnings, i));
        text(j, "warning: ", 9, 0);
        text(j, w, strlen(w), JUNIT_OUTPUT_LIMIT);
        text(j, "\n", 1, 0);
    }
    end(j);
}

/* GitLab keeps only the first of two testcases with the same (classname, name). */
static void unique_name(json_object *seen, const char *name, char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%s", name);
    for (int k = 2; json_object_object_get_ex(seen, buf, NULL); k++)
        snprintf(buf, buflen, "%s [%d]", name, k);
    json_object_object_add(seen, buf, NULL);
}

static void testcase(struct junit *j, json_object *c, const char *category, json_object *seen)
{
    char classname[512], name[512];
    snprintf(classname, sizeof classname, "cetharness.%s", category);
    unique_name(seen, rep_case_short_name(c, category), name, sizeof name);
    enum rep_status s = rep_case_status(c);

    start(j, "testcase");
    attr(j, "classname", classname);
    attr(j, "name", name);
    const char *file = rep_field_str(c, "file", NULL);
    if (file)
        attr(j, "file", file);
    attr_seconds(j, "time", rep_field_double(c, "time_s", 0));
    outcome(j, c, s);
    size_t out_len;
    const char *output = rep_field_str_len(c, "output", &out_len);
    if (output && out_len)
        text_element(j, "system-out", output, out_len);
    warnings_element(j, c);
    end(j);
}


static void testsuite(struct junit *j, json_object *cases, const char *category)
{
    struct rep_counts k = {0};
    double time_s = 0;
    size_t n = json_object_array_length(cases);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category)) {
            rep_counts_add(&k, rep_case_status(c));
            time_s += rep_field_double(c, "time_s", 0);
        }
    }
    start(j, "testsuite");
    attr(j, "name", category);
    counts_attrs(j, &k, time_s);
    const char *started = rep_field_str(j->suite, "started", NULL);
    if (started)
        attr(j, "timestamp", started);
    attr(j, "hostname", j->hostname);
    properties(j);
    json_object *seen = json_object_new_object();
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (rep_in_category(c, category))
            testcase(j, c, category, seen);
    }
    json_object_put(seen);
    end(j);
}


static void document(struct junit *j, json_object *cases)
{
    struct rep_counts k;
    rep_counts_of(cases, &k);
    double sum = 0;
    for (size_t i = 0; i < json_object_array_length(cases); i++)
        sum += rep_field_double(json_object_array_get_idx(cases, i), "time_s", 0);

    check(j, xmlTextWriterStartDocument(j->w, NULL, "UTF-8", NULL));
    start(j, "testsuites");
    attr(j, "name", "cetharness");
    counts_attrs(j, &k, rep_field_double(j->suite, "wall_s", sum));
    json_object *categories = rep_categories(cases);
    for (size_t i = 0; i < json_object_array_length(categories); i++)
        testsuite(j, cases, json_object_get_string(json_object_array_get_idx(categories, i)));
    json_object_put(categories);
    end(j);
    check(j, xmlTextWriterEndDocument(j->w));
}

/* libxml2 reports an unopenable file on stderr too; our caller prints err instead. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static xmlTextWriterPtr open_writer(const char *tmp)
{
    xmlGenericErrorFunc saved_func = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlTextWriterPtr w = xmlNewTextWriterFilename(tmp, 0);
    xmlSetGenericErrorFunc(saved_ctx, saved_func);
    return w;
}

int report_junit_write(json_object *suite, const char *path, char *err, size_t errlen)
{
    json_object *cases = rep_field_array(suite, "cases");
    if (!cases) {
        snprintf(err, errlen, "junit: the suite report has no \"cases\" array");
        return -1;
    }
    char *tmp = report_tmp_path(path);
    struct junit j = {.suite = suite};
    j.w = tmp ? open_writer(tmp) : NULL;
    if (!j.w) {
        snprintf(err, errlen, "junit: cannot create %s: %s", path,
                 tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return -1;
    }
    if (gethostname(j.hostname, sizeof j.hostname - 1) != 0 || !j.hostname[0])
        strcpy(j.hostname, "localhost");
    xmlTextWriterSetIndent(j.w, 1);
    xmlTextWriterSetIndentString(j.w, BAD_CAST "  ");
    document(&j, cases);
    check(&j, xmlTextWriterFlush(j.w));
    xmlFreeTextWriter(j.w);
    int rc = 0;
    if (j.failed) {
        snprintf(err, errlen, "junit: cannot write %s", tmp);
        unlink(tmp);
        rc = -1;
    } else {
        rc = report_commit(tmp, path, err, errlen);
    }
    free(tmp);
    return rc;
}
