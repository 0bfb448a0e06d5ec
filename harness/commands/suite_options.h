/* Options of "cetharness suite", parsed from the command line. */
#ifndef HARNESS_SUITE_OPTIONS_H
#define HARNESS_SUITE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SUITE_MAX_RUN_OPTIONS 16

typedef struct suite_options {
    const char *qemu;            /* --qemu, passed on to every run */
    unsigned jobs;
    unsigned shard_index, shard_count;
    const char *filter;
    const char *build_dir;
    double timeout_s;            /* for cases whose header states none */
    const char *json, *junit, *html;
    const char *run_options[SUITE_MAX_RUN_OPTIONS];  /* --run-option, before each case's own */
    size_t nrun_options;
    bool conformance;            /* --conformance: grade the emulator, not the expectations */
    const char *engine;          /* --engine: passed on, but "rsp" for cases that need it */
    char **roots;
    size_t nroots;
} suite_options;

/* The defaults: as many jobs as online CPUs, the whole corpus, build/. */
void suite_options_default(suite_options *o);
/* Returns 0, 1 for --help, -1 on bad usage (already reported). */
int suite_options_parse(int argc, char **argv, suite_options *o);
void suite_options_usage(FILE *out);

/* Prints "cetharness suite: MESSAGE" on stderr and returns -1, for usage errors and
 * for whatever else stops the suite before its reports. */
int suite_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
