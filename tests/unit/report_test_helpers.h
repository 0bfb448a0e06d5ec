/* Helpers shared by the unit tests of reports/: a scratch directory per test, reading a
 * written file back, and XPath queries on the parsed XML or HTML. */
#ifndef CETHARNESS_REPORT_TEST_HELPERS_H
#define CETHARNESS_REPORT_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"

static char scratch[64];

static inline void make_scratch(void)
{
    strcpy(scratch, "/tmp/test-reports-XXXXXX");
    cr_assert_not_null(mkdtemp(scratch));
}

static inline void remove_scratch(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    cr_expect_eq(system(cmd), 0);
}

static inline const char *scratch_file(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    return path;
}

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, mem);
    fclose(mem);
    fclose(f);
    return buf;
}

/* The suite's HTML page, written to the scratch directory as report.html, as text. */
static inline char *write_html(json_object *suite)
{
    char err[256] = "";
    cr_assert_eq(report_html_write(suite, scratch_file("report.html"), err, sizeof err), 0,
                 "%s", err);
    return slurp(scratch_file("report.html"));
}

static inline htmlDocPtr parse_html_file(const char *path)
{
    htmlDocPtr doc = htmlReadFile(path, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "cannot parse %s", path);
    return doc;
}

/* write_html, parsed. */
static inline htmlDocPtr write_and_parse_html(json_object *suite)
{
    free(write_html(suite));
    return parse_html_file(scratch_file("report.html"));
}

static inline char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    cr_assert_not_null(r, "bad xpath %s", expr);
    xmlChar *s = xmlXPathCastToString(r);
    char *copy = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return copy;
}

static inline double xpath_number(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    cr_assert_not_null(r, "bad xpath %s", expr);
    double v = xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return v;
}

static inline void expect_xpath_string(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xpath_string(doc, expr);
    cr_expect_str_eq(got, want, "%s", expr);
    free(got);
}

#endif
