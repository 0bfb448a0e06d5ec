/* cetharness suite: runs the corpus, one `cetharness run` child per case, judges
 * each against its header and writes the console, JSON, JUnit and HTML reports.
 * One case going wrong in any way (bad header, missing program, harness crash,
 * hang) makes that case an error; the suite always runs to its end.
 *
 * This file is the flow; the options are in suite_options.c, a case's setup and
 * judging in suite_case_setup.c and suite_case_judge.c, the console lines in
 * suite_console.c and the suite object in suite_json.c. */
#include "commands/commands.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands/suite_command_internal.h"

static void on_started(void *ctx, size_t job)
{
    suite_ctx *s = ctx;
    s->cases[s->job_case[job]].running = true;
    suite_draw_progress(s);
}

static void on_finished(void *ctx, size_t job, const runner_result *r)
{
    suite_ctx *s = ctx;
    case_state *c = &s->cases[s->job_case[job]];
    c->running = false;
    c->time_s = r->time_s;
    c->output = strndup(r->output, r->output_len);
    suite_settle(c, r, suite_watchdog_s(s, c), s->o->conformance);
    s->done++;
    suite_print_case(s, c);
}

static int collect_cases(const suite_options *o, suite_case_list *l)
{
    static const char *const default_roots[] = {"asm/cases", "cases"};
    bool defaults = o->nroots == 0;
    const char *const *roots = defaults ? default_roots : (const char *const *)o->roots;
    size_t nroots = defaults ? 2 : o->nroots;
    char err[512];
    if (suite_discover(roots, nroots, defaults, o->build_dir, l, err, sizeof err) != 0)
        return suite_error("%s", err);
    if (l->n == 0)
        return suite_error("no cases (.asm, .c or .cc files) found%s", defaults ?
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
        suite_preflight(s, c);
        if (c->status != CASE_PENDING) {
            s->done++;
            suite_print_case(s, c);
            continue;
        }
        if (asprintf(&c->json_path, "%s/case-%zu.json", s->tmpdir, i) < 0 ||
            !(c->argv = suite_build_argv(s, c))) {
            c->json_path = NULL;
            suite_set_outcome(c, CASE_ERROR, "out of memory");
            s->done++;
            suite_print_case(s, c);
            continue;
        }
        jobs[njobs] = (runner_job){.argv = c->argv, .kill_after_s = suite_watchdog_s(s, c)};
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
        suite_free_argv(c->argv);
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
    suite_error("cannot create a temporary directory in %s: %s", base && *base ? base : "/tmp",
                strerror(errno));
    s->tmpdir[0] = '\0';
    return -1;
}

static int run_all(suite_ctx *s)
{
    runner_job *jobs = calloc(s->ncases ? s->ncases : 1, sizeof *jobs);
    if (!jobs)
        return suite_error("out of memory");
    size_t njobs = prepare_cases(s, jobs);
    runner_callbacks cb = {.started = on_started, .finished = on_finished, .ctx = s};
    char err[256];
    int rc = runner_run(jobs, njobs, s->o->jobs, &cb, err, sizeof err);
    free(jobs);
    suite_clear_progress(s);
    if (rc != 0)
        suite_error("%s", err);
    return rc;
}

static int run_suite(suite_ctx *s)
{
    char started[32];
    double t0 = mono_s();
    utc_now(started, sizeof started);
    if (make_tmpdir(s) || run_all(s))
        return 2;
    json_object *suite = suite_build_json(s, started, mono_s() - t0);
    const suite_options *o = s->o;
    int written = suite_write_reports(suite, o->json, o->junit, o->html, "cetharness suite");
    if (o->conformance)
        suite_print_conformance_summary(s);
    int verdict = suite_print_closing_line(suite);
    json_object_put(suite);
    return written ? written : verdict;
}

int cmd_suite(int argc, char **argv)
{
    suite_options o;
    suite_options_default(&o);
    int rc = suite_options_parse(argc, argv, &o);
    if (rc != 0) {
        suite_options_usage(rc > 0 ? stdout : stderr);
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
        return suite_error("out of memory"), 2;
    }
    for (size_t i = 0; i < list.n; i++)
        s.cases[i].sc = &list.items[i];
    suite_probe_qemu(&o, &s.qemu);
    rc = run_suite(&s);
    release_cases(&s);
    suite_case_list_free(&list);
    return rc;
}
