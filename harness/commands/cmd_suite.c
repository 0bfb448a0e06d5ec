/* cetharness suite: runs the corpus, one `cetharness run` child per case, judges
 * each against its header and writes the console, JSON, JUnit and HTML reports.
 * One case going wrong in any way (bad header, missing program, harness crash,
 * hang) makes that case an error; the suite always runs to its end. */
#include "commands/commands.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite/case_manifest.h"
#include "suite/case_verdict.h"
#include "guest/elf_facts.h"
#include "report_fields.h"
#include "reports.h"
#include "suite/suite_discover.h"
#include "suite/suite_runner.h"

#define WATCHDOG_GRACE_S 10.0
#define MAX_JOBS 1024
#define MAX_RUN_OPTIONS 16

typedef struct suite_options {
    const char *qemu;            /* --qemu, passed on to every run */
    unsigned jobs;
    unsigned shard_index, shard_count;
    const char *filter;
    const char *build_dir;
    double timeout_s;            /* for cases whose header states none */
    const char *json, *junit, *html;
    const char *run_options[MAX_RUN_OPTIONS];  /* --run-option, before each case's own */
    size_t nrun_options;
    char **roots;
    size_t nroots;
} suite_options;

typedef struct qemu_info {
    char path[PATH_MAX];
    char version[64];            /* "" when unknown */
    int major, minor;
} qemu_info;

typedef enum case_status { CASE_PENDING, CASE_PASS, CASE_FAIL, CASE_ERROR, CASE_SKIP } case_status;

typedef struct case_state {
    suite_case *sc;
    case_manifest m;
    case_status status;
    bool running;
    char message[1024];
    char observed[512];
    char *output;
    double time_s;
    json_object *run;
    char *json_path;
    char **argv;
} case_state;

typedef struct suite_ctx {
    const suite_options *o;
    qemu_info qemu;
    case_state *cases;
    size_t ncases;
    size_t *job_case;            /* job index -> case index */
    size_t done;
    bool tty;
    char tmpdir[PATH_MAX];
} suite_ctx;

static const char *const status_names[] = {"pending", "pass", "fail", "error", "skip"};
static const char *const status_labels[] = {"PENDING", "PASS", "FAIL", "ERROR", "SKIP"};

/* ------------------------------------------------------------------ options */

static void suite_usage(FILE *out)
{
    fputs("usage: cetharness suite [--qemu PATH] [-j N] [--shard I/N] [--filter GLOB]\n"
          "                        [--build-dir DIR] [--timeout S] [--junit FILE]\n"
          "                        [--html FILE] [--json FILE] [--run-option ARG]\n"
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
          "  --junit/--html/--json FILE   reports, written whatever the outcome\n"
          "Exit status: 0 when every case passed or was skipped, 1 otherwise, 2 on errors.\n",
          out);
}

static int usage_error(const char *fmt, ...)
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
            return usage_error("-j takes a number of jobs (1..%d), not '%s'", MAX_JOBS, arg);
        o->jobs = (unsigned)v;
        return 0;
    case 's':
        if (suite_parse_shard(arg, &o->shard_index, &o->shard_count, err, sizeof err))
            return usage_error("%s", err);
        return 0;
    case 'f': o->filter = arg; return 0;
    case 'b': o->build_dir = arg; return 0;
    case 't':
        if (parse_positive(arg, 86400, &o->timeout_s))
            return usage_error("--timeout takes seconds, not '%s'", arg);
        return 0;
    case 'J': o->json = arg; return 0;
    case 'U': o->junit = arg; return 0;
    case 'H': o->html = arg; return 0;
    case 'R':
        if (o->nrun_options == MAX_RUN_OPTIONS)
            return usage_error("at most %d --run-option", MAX_RUN_OPTIONS);
        o->run_options[o->nrun_options++] = arg;
        return 0;
    }
    return -1;
}

/* Returns 0, 1 for --help, -1 on bad usage (already reported). */
static int parse_suite_options(int argc, char **argv, suite_options *o)
{
    static const struct option longopts[] = {
        {"qemu", required_argument, NULL, 'q'},     {"jobs", required_argument, NULL, 'j'},
        {"shard", required_argument, NULL, 's'},    {"filter", required_argument, NULL, 'f'},
        {"build-dir", required_argument, NULL, 'b'}, {"timeout", required_argument, NULL, 't'},
        {"json", required_argument, NULL, 'J'},     {"junit", required_argument, NULL, 'U'},
        {"html", required_argument, NULL, 'H'},     {"help", no_argument, NULL, 'h'},
        {"run-option", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1;) {
        if (c == 'h')
            return 1;
        if (c == ':')
            return usage_error("%s needs an argument", argv[optind - 1]);
        if (c == '?')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        if (apply_option(o, c, optarg))
            return -1;
    }
    o->roots = argv + optind;
    o->nroots = (size_t)(argc - optind);
    return 0;
}

static void default_options(suite_options *o)
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

/* --------------------------------------------------------------------- QEMU */

static bool find_in_path(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (strchr(name, '/')) {
        snprintf(out, cap, "%s", name);
        return access(name, X_OK) == 0;
    }
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)len, p, name) < cap &&
            access(out, X_OK) == 0)
            return true;
        p += len + (p[len] == ':');
    }
    snprintf(out, cap, "%s", name);
    return false;
}

static void keep_version(void *ctx, size_t index, const runner_result *r)
{
    qemu_info *q = ctx;
    (void)index;
    const char *v = r->spawn_failed ? NULL : strstr(r->output, "version ");
    if (v && sscanf(v, "version %63[0-9.]", q->version) == 1 &&
        sscanf(q->version, "%d.%d", &q->major, &q->minor) != 2)
        q->version[0] = '\0';
}

/* Asks `QEMU --version` once; an unknown version only matters to needs: cases. */
static void probe_qemu(const suite_options *o, qemu_info *q)
{
    const char *name = o->qemu ? o->qemu : getenv("QEMU");
    memset(q, 0, sizeof *q);
    if (!find_in_path(name && *name ? name : "qemu-x86_64", q->path, sizeof q->path))
        return;
    char version_flag[] = "--version";
    char *argv[] = {q->path, version_flag, NULL};
    runner_job job = {.argv = argv, .kill_after_s = 10};
    runner_callbacks cb = {.finished = keep_version, .ctx = q};
    char err[128];
    runner_run(&job, 1, 1, &cb, err, sizeof err);
}

/* ------------------------------------------------------------- case states */

static void set_outcome(case_state *c, case_status s, const char *fmt, ...)
{
    va_list ap;
    c->status = s;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof c->message, fmt, ap);
    va_end(ap);
    for (char *p = c->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

static bool qemu_too_old(const qemu_info *q, const case_manifest *m)
{
    return q->major < m->needs_qemu_major ||
           (q->major == m->needs_qemu_major && q->minor < m->needs_qemu_minor);
}

/* Behaviours of CET that this harness's model does not have, named as cases'
 * "needs: model=NAME" name them.  Cases that need one are skipped, saying why. */
static const struct { const char *name, *why; } missing_model_features[] = {
    {"guest-visible-shadow-stack",
     "shadow stacks live in the harness, so ordinary guest loads and stores cannot reach them"},
};

static const char *missing_model_feature(const char *name)
{
    for (size_t i = 0; i < sizeof missing_model_features / sizeof missing_model_features[0]; i++)
        if (strcmp(name, missing_model_features[i].name) == 0)
            return missing_model_features[i].why;
    return NULL;
}

/* Settles what can be settled without running: broken headers, skips, missing programs. */
static void preflight(const suite_ctx *s, case_state *c)
{
    char err[512];
    const case_manifest *m = &c->m;
    if (c->sc->problem) {
        set_outcome(c, CASE_ERROR, "%s", c->sc->problem);
    } else if (case_manifest_load(c->sc->file, &c->m, err, sizeof err) != 0) {
        set_outcome(c, CASE_ERROR, "%s", err);
    } else if (m->needs_model && missing_model_feature(m->needs_model)) {
        set_outcome(c, CASE_SKIP, "needs model=%s: %s", m->needs_model,
                    missing_model_feature(m->needs_model));
    } else if (m->has_needs_qemu && !*s->qemu.version) {
        set_outcome(c, CASE_ERROR, "needs qemu>=%d.%d, but the version of %s is unknown",
                    m->needs_qemu_major, m->needs_qemu_minor, s->qemu.path);
    } else if (m->has_needs_qemu && qemu_too_old(&s->qemu, m)) {
        set_outcome(c, CASE_SKIP, "needs qemu>=%d.%d, QEMU is %s", m->needs_qemu_major,
                    m->needs_qemu_minor, s->qemu.version);
    } else if (access(c->sc->binary, R_OK) != 0) {
        set_outcome(c, CASE_ERROR, "missing program %s: %s (build the corpus first)",
                    c->sc->binary, strerror(errno));
    }
}

static char **build_argv(const suite_ctx *s, const case_state *c)
{
    const case_manifest *m = &c->m;
    size_t n = 0, cap = 12 + s->o->nrun_options + m->noptions;
    char **argv = calloc(cap, sizeof *argv);
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%g", m->timeout_s > 0 ? m->timeout_s : s->o->timeout_s);
    const char *head[] = {"/proc/self/exe", "run", "--quiet", "--json", c->json_path,
                          "--timeout", timeout};
    for (size_t i = 0; argv && i < sizeof head / sizeof *head; i++)
        argv[n++] = strdup(head[i]);
    if (argv && s->o->qemu) {
        argv[n++] = strdup("--qemu");
        argv[n++] = strdup(s->o->qemu);
    }
    for (size_t i = 0; argv && i < s->o->nrun_options; i++)
        argv[n++] = strdup(s->o->run_options[i]);
    for (size_t i = 0; argv && i < m->noptions; i++)
        argv[n++] = strdup(m->options[i]);
    if (argv) {
        argv[n++] = strdup("--");
        argv[n++] = strdup(c->sc->binary);
    }
    for (size_t i = 0; argv && i < n; i++)
        if (!argv[i])
            return NULL;   /* out of memory: the caller reports the case as an error */
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

static double case_watchdog_s(const suite_ctx *s, const case_state *c)
{
    return (c->m.timeout_s > 0 ? c->m.timeout_s : s->o->timeout_s) + WATCHDOG_GRACE_S;
}

/* ---------------------------------------------------------------- console */

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

static void clear_progress(const suite_ctx *s)
{
    if (s->tty)
        fputs("\r\033[K", stderr);
}

static void draw_progress(const suite_ctx *s)
{
    if (!s->tty)
        return;
    char line[512];
    size_t width = terminal_width() - 1, used;
    if (width >= sizeof line)
        width = sizeof line - 1;
    used = (size_t)snprintf(line, sizeof line, "[%zu/%zu] running:", s->done, s->ncases);
    for (size_t i = 0; i < s->ncases && used < width; i++)
        if (s->cases[i].running)
            used += (size_t)snprintf(line + used, sizeof line - used, " %s", s->cases[i].sc->name);
    line[used < width ? used : width] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

static void print_case(suite_ctx *s, const case_state *c)
{
    clear_progress(s);
    printf("%s %s %.2fs\n", status_labels[c->status], c->sc->name, c->time_s);
    if (c->status == CASE_FAIL || c->status == CASE_ERROR)
        printf("    %s\n", c->message);
    fflush(stdout);
    draw_progress(s);
}

/* --------------------------------------------------------------- judging */

static void last_line(const char *text, char *buf, size_t cap)
{
    const char *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    const char *start = end;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(buf, cap, "%.*s", (int)(end - start), start);
}

static bool elf_label(void *ctx, const char *label, uint64_t *addr, uint64_t *size)
{
    const elf_facts *f = ctx;
    for (size_t i = 0; i < f->nsymbols; i++) {
        if (f->symbols[i].name && strcmp(f->symbols[i].name, label) == 0) {
            *addr = f->symbols[i].addr;
            *size = f->symbols[i].size;
            return true;
        }
    }
    return false;
}

static void apply_verdict(case_state *c, const case_verdict *v)
{
    static const case_status by_verdict[] = {CASE_PASS, CASE_FAIL, CASE_ERROR};
    snprintf(c->observed, sizeof c->observed, "%s", v->observed);
    set_outcome(c, by_verdict[v->status], "%s", v->message);
}

static void judge_run(case_state *c)
{
    case_verdict v;
    if (c->m.kind != CASE_EXPECT_VIOLATION) {
        case_verdict_judge(&c->m, c->run, NULL, &v);
        apply_verdict(c, &v);
        return;
    }
    elf_facts f;
    char err[512];
    if (elf_facts_load(c->sc->binary, &f, err, sizeof err) != 0) {
        set_outcome(c, CASE_ERROR, "%s", err);
        return;
    }
    label_resolver labels = {.lookup = elf_label, .ctx = &f};
    case_verdict_judge(&c->m, c->run, &labels, &v);
    apply_verdict(c, &v);
    elf_facts_free(&f);
}

static bool run_says_timeout(json_object *run)
{
    json_object *exit_obj, *status;
    return json_object_object_get_ex(run, "exit", &exit_obj) &&
           json_object_object_get_ex(exit_obj, "status", &status) &&
           json_object_is_type(status, json_type_string) &&
           strcmp(json_object_get_string(status), "timeout") == 0;
}

/* Exit 125 (the harness could not run), 127 (exec failed) or no JSON at all. */
static void judge_unusable(case_state *c, int code, const char *tail)
{
    if (c->run) {
        case_verdict v;
        case_verdict_judge(&c->m, c->run, NULL, &v);
        if (v.status == VERDICT_ERROR) {
            apply_verdict(c, &v);
            return;
        }
    }
    set_outcome(c, CASE_ERROR, "the harness exited with %d%s%s%s", code,
                c->run ? "" : " and wrote no JSON", *tail ? ": " : "", tail);
}

/* The child's own ending comes first: a harness that died cannot be judged. */
static void settle(case_state *c, const runner_result *r, double watchdog_s)
{
    char tail[256], signame[32];
    last_line(r->output, tail, sizeof tail);
    if (r->spawn_failed) {
        set_outcome(c, CASE_ERROR, "could not start the run: %s", tail);
        return;
    }
    if (r->timed_out) {
        set_outcome(c, CASE_ERROR, "timed out (killed after %.0fs)", watchdog_s);
        return;
    }
    c->run = json_object_from_file(c->json_path);
    int code = WIFEXITED(r->wait_status) ? WEXITSTATUS(r->wait_status) : -1;
    if (WIFSIGNALED(r->wait_status))
        set_outcome(c, CASE_ERROR, "the harness died of %s%s%s",
                    case_signal_name(WTERMSIG(r->wait_status), signame, sizeof signame),
                    *tail ? ": " : "", tail);
    else if (run_says_timeout(c->run))
        set_outcome(c, CASE_ERROR, "timed out after %gs", watchdog_s - WATCHDOG_GRACE_S);
    else if (code == 125 || code == 127 || !c->run)
        judge_unusable(c, code, tail);
    else
        judge_run(c);
}

static void on_started(void *ctx, size_t job)
{
    suite_ctx *s = ctx;
    s->cases[s->job_case[job]].running = true;
    draw_progress(s);
}

static void on_finished(void *ctx, size_t job, const runner_result *r)
{
    suite_ctx *s = ctx;
    case_state *c = &s->cases[s->job_case[job]];
    c->running = false;
    c->time_s = r->time_s;
    c->output = strndup(r->output, r->output_len);
    settle(c, r, case_watchdog_s(s, c));
    s->done++;
    print_case(s, c);
}

/* ------------------------------------------------------------- suite JSON */

static json_object *string_array(char **items, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(items[i]));
    return a;
}

static json_object *case_json(const case_state *c)
{
    json_object *o = json_object_new_object();
    const case_manifest *m = &c->m;
    json_object_object_add(o, "name", json_object_new_string(c->sc->name));
    json_object_object_add(o, "category", json_object_new_string(c->sc->category));
    json_object_object_add(o, "file", json_object_new_string(c->sc->file));
    json_object_object_add(o, "description",
                           json_object_new_string(m->description ? m->description : ""));
    json_object_object_add(o, "expect", string_array(m->expect_lines, m->nexpect));
    json_object_object_add(o, "options", string_array(m->options, m->noptions));
    json_object_object_add(o, "status", json_object_new_string(status_names[c->status]));
    json_object_object_add(o, "message", json_object_new_string(c->message));
    json_object_object_add(o, "observed", json_object_new_string(c->observed));
    json_object_object_add(o, "time_s", rep_new_seconds(c->time_s));
    json_object_object_add(o, "output", json_object_new_string(c->output ? c->output : ""));
    json_object_object_add(o, "run", c->run ? json_object_get(c->run) : NULL);
    return o;
}

static json_object *counts_json(const suite_ctx *s)
{
    size_t by_status[5] = {0};
    for (size_t i = 0; i < s->ncases; i++)
        by_status[s->cases[i].status]++;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "total", json_object_new_int64((int64_t)s->ncases));
    json_object_object_add(o, "passed", json_object_new_int64((int64_t)by_status[CASE_PASS]));
    json_object_object_add(o, "failed", json_object_new_int64((int64_t)by_status[CASE_FAIL]));
    json_object_object_add(o, "errors", json_object_new_int64((int64_t)by_status[CASE_ERROR]));
    json_object_object_add(o, "skipped", json_object_new_int64((int64_t)by_status[CASE_SKIP]));
    return o;
}

static json_object *suite_json(const suite_ctx *s, const char *started, double wall_s)
{
    json_object *o = json_object_new_object(), *q = json_object_new_object();
    json_object *shard = json_object_new_object(), *cases = json_object_new_array();
    json_object_object_add(o, "tool", json_object_new_string("cetharness"));
    json_object_object_add(o, "version", json_object_new_string(CETHARNESS_VERSION));
    json_object_object_add(q, "path", json_object_new_string(s->qemu.path));
    json_object_object_add(q, "version",
                           *s->qemu.version ? json_object_new_string(s->qemu.version) : NULL);
    json_object_object_add(o, "qemu", q);
    json_object_object_add(o, "started", json_object_new_string(started));
    json_object_object_add(o, "wall_s", rep_new_seconds(wall_s));
    json_object_object_add(shard, "index", json_object_new_int((int)s->o->shard_index));
    json_object_object_add(shard, "count", json_object_new_int((int)s->o->shard_count));
    json_object_object_add(o, "shard", shard);
    json_object_object_add(o, "counts", counts_json(s));
    for (size_t i = 0; i < s->ncases; i++)
        json_object_array_add(cases, case_json(&s->cases[i]));
    json_object_object_add(o, "cases", cases);
    return o;
}

/* ------------------------------------------------------------------ flow */

static int collect_cases(const suite_options *o, suite_case_list *l)
{
    static const char *const default_roots[] = {"asm/cases", "cases"};
    bool defaults = o->nroots == 0;
    const char *const *roots = defaults ? default_roots : (const char *const *)o->roots;
    size_t nroots = defaults ? 2 : o->nroots;
    char err[512];
    if (suite_discover(roots, nroots, defaults, o->build_dir, l, err, sizeof err) != 0)
        return usage_error("%s", err);
    if (l->n == 0)
        return usage_error("no cases (.asm, .c or .cc files) found%s", defaults ?
                           " under asm/cases or cases" : "");
    if (o->filter)
        suite_filter(l, o->filter);
    suite_shard(l, o->shard_index, o->shard_count);
    return 0;
}

/* Prepares every case; returns how many need a run (their indices in job_case). */
static size_t prepare_cases(suite_ctx *s, runner_job *jobs)
{
    size_t njobs = 0;
    for (size_t i = 0; i < s->ncases; i++) {
        case_state *c = &s->cases[i];
        preflight(s, c);
        if (c->status != CASE_PENDING) {
            s->done++;
            print_case(s, c);
            continue;
        }
        if (asprintf(&c->json_path, "%s/case-%zu.json", s->tmpdir, i) < 0 ||
            !(c->argv = build_argv(s, c))) {
            c->json_path = NULL;
            set_outcome(c, CASE_ERROR, "out of memory");
            s->done++;
            print_case(s, c);
            continue;
        }
        jobs[njobs] = (runner_job){.argv = c->argv, .kill_after_s = case_watchdog_s(s, c)};
        s->job_case[njobs++] = i;
    }
    return njobs;
}

static void release_cases(suite_ctx *s)
{
    for (size_t i = 0; i < s->ncases; i++) {
        case_state *c = &s->cases[i];
        if (c->json_path)
            unlink(c->json_path);
        free(c->json_path);
        free_argv(c->argv);
        free(c->output);
        json_object_put(c->run);
        case_manifest_free(&c->m);
    }
    free(s->cases);
    free(s->job_case);
    if (*s->tmpdir)
        rmdir(s->tmpdir);
}

static void utc_now(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int make_tmpdir(suite_ctx *s)
{
    const char *base = getenv("TMPDIR");
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s/cetharness-suite-XXXXXX",
             base && *base ? base : "/tmp");
    if (mkdtemp(s->tmpdir))
        return 0;
    usage_error("cannot create a temporary directory in %s: %s", base && *base ? base : "/tmp",
                strerror(errno));
    s->tmpdir[0] = '\0';
    return -1;
}

static int run_all(suite_ctx *s)
{
    runner_job *jobs = calloc(s->ncases ? s->ncases : 1, sizeof *jobs);
    if (!jobs)
        return usage_error("out of memory");
    size_t njobs = prepare_cases(s, jobs);
    runner_callbacks cb = {.started = on_started, .finished = on_finished, .ctx = s};
    char err[256];
    int rc = runner_run(jobs, njobs, s->o->jobs, &cb, err, sizeof err);
    free(jobs);
    clear_progress(s);
    if (rc != 0)
        usage_error("%s", err);
    return rc;
}

static int run_suite(suite_ctx *s)
{
    char started[32];
    double t0 = mono_s();
    utc_now(started, sizeof started);
    if (make_tmpdir(s) || run_all(s))
        return 2;
    json_object *suite = suite_json(s, started, mono_s() - t0);
    const suite_options *o = s->o;
    int written = suite_write_reports(suite, o->json, o->junit, o->html, "cetharness suite");
    int verdict = suite_print_closing_line(suite);
    json_object_put(suite);
    return written ? written : verdict;
}

int cmd_suite(int argc, char **argv)
{
    suite_options o;
    default_options(&o);
    int rc = parse_suite_options(argc, argv, &o);
    if (rc != 0) {
        suite_usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    suite_case_list list;
    if (collect_cases(&o, &list) != 0)
        return 2;
    suite_ctx s = {.o = &o, .ncases = list.n, .tty = isatty(STDERR_FILENO)};
    s.cases = calloc(list.n ? list.n : 1, sizeof *s.cases);
    s.job_case = calloc(list.n ? list.n : 1, sizeof *s.job_case);
    if (!s.cases || !s.job_case) {
        free(s.cases);
        free(s.job_case);
        suite_case_list_free(&list);
        return usage_error("out of memory"), 2;
    }
    for (size_t i = 0; i < list.n; i++)
        s.cases[i].sc = &list.items[i];
    probe_qemu(&o, &s.qemu);
    rc = run_suite(&s);
    release_cases(&s);
    suite_case_list_free(&list);
    return rc;
}
