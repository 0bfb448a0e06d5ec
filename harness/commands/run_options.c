#include "commands/run_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_IBT = 256, OPT_SHSTK, OPT_ON_VIOLATION, OPT_JSON, OPT_TIMEOUT, OPT_QEMU,
       OPT_QEMU_ARG, OPT_VIOLATION_EXITCODE, OPT_QUIET, OPT_NO_FUSION, OPT_CONFORMANCE, OPT_ENGINE, OPT_BREAKPOINT_BUDGET,
       OPT_HELP };

static const struct option long_options[] = {
    {"ibt", required_argument, NULL, OPT_IBT},
    {"shstk", required_argument, NULL, OPT_SHSTK},
    {"on-violation", required_argument, NULL, OPT_ON_VIOLATION},
    {"json", required_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"qemu", required_argument, NULL, OPT_QEMU},
    {"qemu-arg", required_argument, NULL, OPT_QEMU_ARG},
    {"violation-exitcode", required_argument, NULL, OPT_VIOLATION_EXITCODE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"no-fusion", no_argument, NULL, OPT_NO_FUSION},
    {"conformance", no_argument, NULL, OPT_CONFORMANCE},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"breakpoint-budget", required_argument, NULL, OPT_BREAKPOINT_BUDGET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

void run_options_usage(FILE *out)
{
    fputs("usage: cetharness run [options] -- PROGRAM [ARGS...]\n"
          "  --ibt=on|off|auto        model indirect-branch tracking (default on; auto: the\n"
          "                           GNU property of the program and of its loader)\n"
          "  --shstk=on|off|auto|linux\n"
          "                           model the shadow stack (default on: from the first\n"
          "                           instruction; auto: likewise; linux: off until the program\n"
          "                           enables it with arch_prctl, as under Linux)\n"
          "  --on-violation=stop|continue|signal\n"
          "                           stop the guest at the first violation (default), record all\n"
          "                           and go on, or deliver SIGSEGV to the guest\n"
          "  --json FILE              write the report as JSON\n"
          "  --timeout SECONDS        end the guest (SIGKILL) after this long; what it had not\n"
          "                           yet written is lost (default 0: no limit, the program runs\n"
          "                           to its end as it would alone; under the rsp engine a real\n"
          "                           program runs hundreds of times slower than under plain\n"
          "                           QEMU, so no fixed limit suits every program; the suite\n"
          "                           sets one per case)\n"
          "  --qemu PATH              qemu-x86_64 to use (default: $QEMU, else PATH)\n"
          "  --qemu-arg ARG           pass ARG to QEMU before the program (repeatable)\n"
          "  --violation-exitcode N   exit status when a violation was found (default 1)\n"
          "  -q, --quiet              no report on stderr\n"
          "  --engine=rsp|trace|plugin|auto  how QEMU is watched: rsp stops the guest at\n"
          "                           every checked instruction (exact); trace reads QEMU's\n"
          "                           own log and plugin has cetharness's QEMU plugin stream\n"
          "                           events (both never stop it: fast, reports only; plugin\n"
          "                           is the faster where QEMU loads plugins); auto (default):\n"
          "                           with --on-violation=continue plugin where QEMU loads it,\n"
          "                           else trace; otherwise rsp\n"
          "  --conformance            grade an emulator that enforces CET itself: it executes\n"
          "                           every instruction, the harness compares what it does\n"
          "                           with what CET hardware under Linux does (its options,\n"
          "                           e.g. a plugin, through --qemu-arg); exit 0 when it\n"
          "                           conforms, 1 when not\n"
          "  --no-fusion              stop at every return, even where the code proves it\n"
          "  --breakpoint-budget N    drop all breakpoints once more than N are live (default:\n"
          "                           512, growing while it is too small; a given N stays)\n"
          "  -v                       trace every stop on stderr (-vv: also RSP packets)\n"
          "exit status: the guest's (128+N for signal N), or that of the program it exec'd,\n"
          "when no violation was found; 1 (--violation-exitcode) when one was, however the\n"
          "run ended after it (a violation is a finding even if the guest then timed out);\n"
          "125 when there is no answer: the harness could not run, or the guest timed out.\n"
          "A program the guest execs runs natively (QEMU's execve is the host's) and forked\n"
          "children run without the harness: the report says so (not_checked in the JSON).\n", out);
}

const char *violation_mode_name(violation_mode m)
{
    static const char *const names[] = {"stop", "continue", "signal"};
    return names[m];
}

static int parse_switch(const char *value, cet_switch *out)
{
    static const struct { const char *name; cet_switch value; } table[] = {
        {"on", CET_ON}, {"off", CET_OFF}, {"auto", CET_AUTO}, {"linux", CET_LINUX}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(value, table[i].name) == 0) {
            *out = table[i].value;
            return 0;
        }
    return -1;
}

static int parse_mode(const char *value, violation_mode *out)
{
    for (int m = ON_VIOLATION_STOP; m <= ON_VIOLATION_SIGNAL; m++)
        if (strcmp(value, violation_mode_name((violation_mode)m)) == 0) {
            *out = (violation_mode)m;
            return 0;
        }
    return -1;
}

static int parse_number(const char *value, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int apply_option(int c, const char *arg, run_options *o, char *err, size_t errlen)
{
    double v;
    switch (c) {
    case OPT_IBT:
        if (parse_switch(arg, &o->ibt) == 0 && o->ibt != CET_LINUX) return 0;
        snprintf(err, errlen, "--ibt takes on, off or auto, not '%s'", arg);
        return -1;
    case OPT_SHSTK:
        if (parse_switch(arg, &o->shstk) == 0) return 0;
        snprintf(err, errlen, "--shstk takes on, off, auto or linux, not '%s'", arg);
        return -1;
    case OPT_ON_VIOLATION:
        if (parse_mode(arg, &o->on_violation) == 0) return 0;
        snprintf(err, errlen, "--on-violation takes stop, continue or signal, not '%s'", arg);
        return -1;
    case OPT_TIMEOUT:
        if (parse_number(arg, 0, 1e6, &v) == 0) { o->timeout_s = v; return 0; }
        snprintf(err, errlen, "--timeout takes a number of seconds (0: no limit), not '%s'", arg);
        return -1;
    case OPT_VIOLATION_EXITCODE:
        if (parse_number(arg, 0, 255, &v) == 0 && v == (int)v) { o->violation_exitcode = (int)v; return 0; }
        snprintf(err, errlen, "--violation-exitcode takes a number from 0 to 255, not '%s'", arg);
        return -1;
    case OPT_JSON: o->json_path = arg; return 0;
    case OPT_QEMU: o->qemu_path = arg; return 0;
    case OPT_QUIET: case 'q': o->quiet = true; return 0;
    case OPT_NO_FUSION: o->no_fusion = true; return 0;
    case OPT_CONFORMANCE: o->conformance = true; return 0;
    case OPT_ENGINE:
        if (strcmp(arg, "auto") == 0) { o->engine = ENGINE_AUTO; return 0; }
        if (strcmp(arg, "rsp") == 0) { o->engine = ENGINE_RSP; return 0; }
        if (strcmp(arg, "trace") == 0) { o->engine = ENGINE_TRACE; return 0; }
        if (strcmp(arg, "plugin") == 0) { o->engine = ENGINE_PLUGIN; return 0; }
        snprintf(err, errlen, "--engine takes rsp, trace, plugin or auto, not '%s'", arg);
        return -1;
    case OPT_BREAKPOINT_BUDGET:
        if (parse_number(arg, 1, 1 << 20, &v) == 0 && v == (int)v) { o->breakpoint_budget = (size_t)v; return 0; }
        snprintf(err, errlen, "--breakpoint-budget takes a number from 1 to %d, not '%s'", 1 << 20, arg);
        return -1;
    case 'v': o->verbose++; return 0;
    case OPT_QEMU_ARG: {
        const char **grown = realloc(o->qemu_args, (o->nqemu_args + 1) * sizeof *grown);
        if (!grown) { snprintf(err, errlen, "out of memory"); return -1; }
        o->qemu_args = grown;
        o->qemu_args[o->nqemu_args++] = arg;
        return 0;
    }
    }
    snprintf(err, errlen, "unknown option (see cetharness run --help)");
    return -1;
}

/* getopt leaves optind past a bad option, or on it when it sat in a cluster of short
 * ones ("-qemu-arg" is -q -e ...): name the argument the user wrote. */
static const char *offending_argument(int argc, char **argv)
{
    if (optind < argc && argv[optind][0] == '-' && optopt > 0 && strchr(argv[optind], optopt))
        return argv[optind];
    return argv[optind - 1];
}

int run_options_parse(int argc, char **argv, run_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->ibt = o->shstk = CET_ON;
    o->timeout_s = 0;    /* no limit: see the --timeout help */
    o->violation_exitcode = 1;
    optind = 1;
    opterr = 0;
    int c;
    /* "+": stop at the first non-option, the program. */
    while ((c = getopt_long(argc, argv, "+qvh", long_options, NULL)) != -1) {
        if (c == OPT_HELP || c == 'h') {
            run_options_usage(stdout);
            return 1;
        }
        if (c == '?' || c == ':') {
            const char *bad = offending_argument(argc, argv);
            bool one_dash = bad[0] == '-' && bad[1] != '-' && strlen(bad) > 2;
            snprintf(err, errlen, "unknown or incomplete option '%s'%s%s (see cetharness run --help)",
                     bad, one_dash ? "; long options take two dashes: -" : "", one_dash ? bad : "");
            return -1;
        }
        if (apply_option(c, optarg, o, err, errlen) != 0)
            return -1;
    }
    if (optind >= argc) {
        snprintf(err, errlen, "no program given (usage: cetharness run [options] -- PROGRAM [ARGS...])");
        return -1;
    }
    o->program = argv[optind];
    o->argv = argv + optind + 1;
    o->argc = (size_t)(argc - optind - 1);
    return 0;
}

void run_options_free(run_options *o)
{
    free(o->qemu_args);
    o->qemu_args = NULL;
}

const char *run_options_sysroot(const run_options *o)
{
    const char *sysroot = getenv("QEMU_LD_PREFIX");
    for (size_t i = 0; i + 1 < o->nqemu_args; i++)
        if (strcmp(o->qemu_args[i], "-L") == 0 || strcmp(o->qemu_args[i], "--L") == 0)
            sysroot = o->qemu_args[++i];
    return sysroot && *sysroot ? sysroot : NULL;
}
