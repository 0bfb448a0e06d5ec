/* Options of "cetharness suite": defaults, the command line and the usage text. */
#include "commands/suite_options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite/case_manifest.h"
#include "suite/suite_discover.h"

#define MAX_JOBS 1024

void suite_options_usage(FILE *out)
{
    fputs("usage: cetharness suite [--qemu PATH] [-j N] [--shard I/N] [--filter GLOB]\n"
          "                        [--build-dir DIR] [--timeout S] [--junit FILE]\n"
          "                        [--html FILE] [--json FILE] [--run-option ARG]\n"
          "                        [--conformance] [--engine E]\n"
          "                        [CASE_OR_DIR...]\n"
          "Runs the corpus cases (default: asm/cases and cases) against their headers.\n"
          "  --qemu PATH        qemu-x86_64 to use (default: $QEMU, else PATH)\n"
          "  -j, --jobs N       cases at once (default: online CPUs)\n"
          "  --shard I/N        run the I-th of N stable slices of the cases\n"
          "  --filter GLOB      only cases whose CATEGORY/NAME matches GLOB\n"
          "  --build-dir DIR    where the corpus was built (default: build)\n"
          "  --timeout S        timeout of cases that state none (default 20)\n"
          "  --run-option ARG   pass ARG to every case's run (repeatable), e.g.\n"
          "                     --run-option=--no-fusion\n"
          "  --engine E         every case's engine (rsp, trace, plugin, auto); a case\n"
          "                     whose header says needs: engine=rsp runs with the RSP engine\n"
          "  --conformance      grade the emulator (--qemu, its options through\n"
          "                     --run-option=--qemu-arg=...): a case passes when the\n"
          "                     emulator does what CET hardware under Linux does\n"
          "  --junit/--html/--json FILE   reports, written whatever the outcome\n"
          "Exit status: 0 when every case passed or was skipped, 1 otherwise, 2 on errors.\n",
          out);
}

int suite_error(const char *fmt, ...)
{
    va_list ap;
    fputs("cetharness suite: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static int parse_positive(const char *s, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int apply_option(suite_options *o, int c, const char *arg)
{
    double v;
    char err[256];
    switch (c) {
    case 'q': o->qemu = arg; return 0;
    case 'j':
        if (parse_positive(arg, MAX_JOBS, &v) || v != floor(v))
            return suite_error("-j takes a number of jobs (1..%d), not '%s'", MAX_JOBS, arg);
        o->jobs = (unsigned)v;
        return 0;
    case 's':
        if (suite_parse_shard(arg, &o->shard_index, &o->shard_count, err, sizeof err))
            return suite_error("%s", err);
        return 0;
    case 'f': o->filter = arg; return 0;
    case 'C': o->conformance = true; return 0;
    case 'E':
        if (strcmp(arg, "rsp") && strcmp(arg, "trace") && strcmp(arg, "plugin") &&
            strcmp(arg, "auto"))
            return suite_error("--engine takes rsp, trace, plugin or auto, not '%s'", arg);
        o->engine = arg;
        return 0;
    case 'b': o->build_dir = arg; return 0;
    case 't':
        if (parse_positive(arg, 86400, &o->timeout_s))
            return suite_error("--timeout takes seconds, not '%s'", arg);
        return 0;
    case 'J': o->json = arg; return 0;
    case 'U': o->junit = arg; return 0;
    case 'H': o->html = arg; return 0;
    case 'R':
        if (o->nrun_options == SUITE_MAX_RUN_OPTIONS)
            return suite_error("at most %d --run-option", SUITE_MAX_RUN_OPTIONS);
        o->run_options[o->nrun_options++] = arg;
        return 0;
    }
    return -1;
}

int suite_options_parse(int argc, char **argv, suite_options *o)
{
    static const struct option longopts[] = {
        {"qemu", required_argument, NULL, 'q'},     {"jobs", required_argument, NULL, 'j'},
        {"shard", required_argument, NULL, 's'},    {"filter", required_argument, NULL, 'f'},
        {"build-dir", required_argument, NULL, 'b'}, {"timeout", required_argument, NULL, 't'},
        {"json", required_argument, NULL, 'J'},     {"junit", required_argument, NULL, 'U'},
        {"html", required_argument, NULL, 'H'},     {"help", no_argument, NULL, 'h'},
        {"run-option", required_argument, NULL, 'R'},
        {"conformance", no_argument, NULL, 'C'},
        {"engine", required_argument, NULL, 'E'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1;) {
        if (c == 'h')
            return 1;
        if (c == ':')
            return suite_error("%s needs an argument", argv[optind - 1]);
        if (c == '?')
            return suite_error("unknown option '%s'", argv[optind - 1]);
        if (apply_option(o, c, optarg))
            return -1;
    }
    o->roots = argv + optind;
    o->nroots = (size_t)(argc - optind);
    return 0;
}

void suite_options_default(suite_options *o)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (suite_options){
        .jobs = cpus > 0 ? (unsigned)(cpus < MAX_JOBS ? cpus : MAX_JOBS) : 1,
        .shard_index = 1,
        .shard_count = 1,
        .build_dir = "build",
        .timeout_s = CASE_DEFAULT_TIMEOUT_S,
    };
}
