/* "cetharness run": one program under QEMU with the CET model watching. */
#include "commands/cet_switches.h"
#include "commands/commands.h"
#include "commands/emulator_stderr.h"
#include "commands/engine_pick.h"
#include "guest/elf_facts.h"
#include "guest/sysroot.h"
#include "engine/engine.h"
#include "engine/plugin/plugin_engine.h"
#include "engine/trace/trace_engine.h"
#include "qemu/process_status.h"
#include "qemu/qemu_launch.h"
#include "reports.h"
#include "rsp.h"
#include "commands/run_options.h"
#include "commands/run_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { EXIT_HARNESS_ERROR = 125, EXIT_TIMEOUT = 125, CONNECT_TIMEOUT_MS = 10000 };

typedef struct run_state {
    run_options opt;
    char qemu_path[4096], qemu_version[64];
    elf_facts elf;
    bool have_elf;
    qemu_process qemu;
    bool qemu_started;
    int terminal_owner;             /* process group to give the terminal back to */
    int emulator_stderr;            /* conformance mode: QEMU's stderr, kept (else 0) */
    rsp_conn *rsp;
    engine_config config;
    engine eng;
    bool have_engine;
    engine_pick pick;               /* which engine runs the guest */
    run_outcome trace_out;          /* what a stop-free engine found */
    bool have_trace;
    char err[4096 + 512];
} run_state;

static int connect_to_qemu(run_state *s)
{
    s->rsp = rsp_connect_unix(s->qemu.socket_path, CONNECT_TIMEOUT_MS, s->err, sizeof s->err);
    if (!s->rsp) {
        int status;
        char how[64];
        if (qemu_exited(&s->qemu, &status))
            snprintf(s->err, sizeof s->err, "%s ended before accepting the debugger connection "
                     "(%s); is it a working qemu-x86_64?", s->qemu_path,
                     describe_wait_status(status, how, sizeof how));
        return -1;
    }
    qemu_remove_socket(&s->qemu);
    if (s->opt.verbose > 1)
        rsp_set_trace(s->rsp, stderr);
    char *xml = NULL;
    size_t len;
    /* QEMU 7.2 answers p/P only once the target description was read. */
    if (rsp_handshake(s->rsp, "multiprocess+", NULL, 0) != RSP_OK ||
        rsp_read_xfer(s->rsp, "features", "target.xml", &xml, &len) != RSP_OK) {
        snprintf(s->err, sizeof s->err, "QEMU's gdbstub did not answer the handshake: %s",
                 rsp_error(s->rsp));
        free(xml);
        return -1;
    }
    free(xml);
    return 0;
}

static int start_qemu(run_state *s)
{
    qemu_launch_opts lo = {
        .qemu_path = s->qemu_path,
        .qemu_args = s->opt.qemu_args,
        .nqemu_args = s->opt.nqemu_args,
        .program = s->opt.program,
        .argv = (const char *const *)s->opt.argv,
        .argc = s->opt.argc,
        .stderr_fd = s->emulator_stderr,
    };
    if (qemu_start(&lo, &s->qemu, s->err, sizeof s->err) != 0)
        return -1;
    s->qemu_started = true;
    s->terminal_owner = terminal_give_to(s->qemu.pid);
    return connect_to_qemu(s);
}

/* An unwritable --json path is found before the run, not after it. */
static int check_json_path(run_state *s)
{
    if (!s->opt.json_path)
        return 0;
    int fd = open(s->opt.json_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(s->err, sizeof s->err, "cannot write the JSON report %s: %s", s->opt.json_path,
                 strerror(errno));
        s->opt.json_path = NULL;   /* said once */
        return -1;
    }
    close(fd);
    return 0;
}

static int prepare(run_state *s)
{
    if (s->opt.conformance && (s->emulator_stderr = emulator_stderr_open(s->err, sizeof s->err)) < 0)
        return -1;
    if (qemu_resolve(s->opt.qemu_path, s->qemu_path, sizeof s->qemu_path, s->qemu_version,
                     sizeof s->qemu_version, s->err, sizeof s->err) != 0)
        return -1;
    if (elf_facts_load(s->opt.program, &s->elf, s->err, sizeof s->err) != 0)
        return -1;
    s->have_elf = true;
    /* QEMU loads the interpreter from its -L directory: read that one, not the host's. */
    if (elf_facts_set_sysroot(&s->elf, run_options_sysroot(&s->opt)) != 0) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return -1;
    }
    if (access(s->opt.program, X_OK) != 0) {
        snprintf(s->err, sizeof s->err, "%s: not executable (%s)", s->opt.program, strerror(errno));
        return -1;
    }
    if (check_json_path(s) != 0 ||
        (s->pick.stop_free &&
         engine_pick_stop_free(&s->opt, s->qemu_path, &s->pick, s->err, sizeof s->err) != 0))
        return -1;
    return s->pick.stop_free ? 0 : start_qemu(s);
}

/* QEMU lost the connection: give it a second to end; its wait status in *status. */
static bool qemu_ended(run_state *s, int *status)
{
    for (int i = 0; i < 100 && s->qemu_started && !qemu_exited(&s->qemu, status); i++)
        usleep(10000);
    return s->qemu_started && qemu_exited(&s->qemu, status);
}

/* QEMU vanished under the engine: say how, if we can.  A guest that sent itself a
 * fatal signal takes QEMU with it, and QEMU 10 and later, like every QEMU for SIGKILL,
 * die of it before the stub reports "X". */
static void explain_qemu_death(run_state *s)
{
    int status;
    if (!qemu_ended(s, &status) || !wait_status_killed_by(status))
        return;
    int sig = wait_status_killed_by(status);
    if (sig == s->eng.guest_self_signal) {
        s->eng.out.end = END_SIGNALED;
        s->eng.out.exit_signal = sig;
        s->eng.out.message[0] = '\0';
        return;
    }
    size_t n = strlen(s->eng.out.message);
    snprintf(s->eng.out.message + n, sizeof s->eng.out.message - n, "; QEMU was killed by signal %d",
             wait_status_killed_by(status));
}

/* What the reports are made of: the engine that ran, or NULL when none did. */
static const run_outcome *outcome(const run_state *s)
{
    return s->have_trace ? &s->trace_out : s->have_engine ? &s->eng.out : NULL;
}

static int exit_status(const run_state *s)
{
    const run_outcome *o = outcome(s);
    if (!o)
        return EXIT_HARNESS_ERROR;
    if (s->opt.conformance)
        return s->eng.conf.has_finding && s->eng.conf.finding.verdict != CONFORMS
                   ? s->opt.violation_exitcode : 0;
    if (o->nviolations > 0)
        return s->opt.violation_exitcode;
    switch (o->end) {
    case END_EXITED: return o->exit_code;
    case END_SIGNALED: return 128 + o->exit_signal;
    case END_TIMEOUT: return EXIT_TIMEOUT;
    default: return EXIT_HARNESS_ERROR;
    }
}

static void report(run_state *s, double wall_s)
{
    run_context ctx = {s->opt.program, s->opt.argv, s->opt.argc, s->qemu_path, s->qemu_version, wall_s};
    const run_outcome *o = outcome(s);
    const char *message = o ? o->message : s->err;
    json_object *run = run_report_build(o, s->have_engine ? &s->eng.conf : NULL, &ctx, message);
    if (!s->opt.quiet) {
        if (o)
            report_console_run(stderr, run, isatty(STDERR_FILENO));
        else
            fprintf(stderr, "cetharness: %s\n", s->err);
    }
    char err[512];
    if (s->opt.json_path && report_write_json(run, s->opt.json_path, err, sizeof err) != 0)
        fprintf(stderr, "cetharness: %s\n", err);
    json_object_put(run);
}

/* The size Linux gives a shadow stack it allocates: PAGE_ALIGN(min(RLIMIT_STACK,
 * 4 GiB)).  QEMU's guest runs under the harness's limits, so they are the guest's. */
static uint64_t kernel_shadow_stack_size(void)
{
    const uint64_t cap = 1ULL << 32;
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > cap)
        return cap;
    return ((uint64_t)rl.rlim_cur + 4095) & ~4095ULL;
}

static void configure_engine(run_state *s, cet_switches *sw)
{
    cet_switches_resolve(&s->opt, &s->elf, sw);
    s->config = (engine_config){
        .ibt = sw->ibt,
        .shstk = sw->shstk,
        .shstk_follows_program = sw->shstk_follows_program,
        .shadow_stack_size = kernel_shadow_stack_size(),
        .on_violation = s->opt.on_violation,
        .timeout_s = s->opt.timeout_s,
        .verbose = s->opt.verbose,
        .no_fusion = s->opt.no_fusion,
        .conformance = s->opt.conformance,
        .breakpoint_budget = s->opt.breakpoint_budget,
        .sysroot = run_options_sysroot(&s->opt),
    };
}

/* How the run ended, for the conformance verdict: QEMU's own end, and its last words. */
static void grade_conformance(run_state *s)
{
    char how[128] = "", status_text[64], tail[2048];
    int status;
    if (s->eng.out.end == END_ERROR && qemu_ended(s, &status))
        snprintf(how, sizeof how, "ended QEMU (%s)",
                 describe_wait_status(status, status_text, sizeof status_text));
    qemu_stop(&s->qemu);   /* all of QEMU's stderr is written once it is gone */
    emulator_stderr_drain(s->emulator_stderr, tail, sizeof tail);
    s->emulator_stderr = 0;
    conformance_grade_end(&s->eng, how, tail);
}

/* The guest exec'd: QEMU's process now runs that program natively, and its end, within
 * the time left, is the run's. */
static void settle_exec(run_state *s, run_outcome *o, double deadline)
{
    int status;
    double left = -1;   /* no --timeout: no limit */
    if (s->opt.timeout_s > 0)
        left = deadline > engine_now() ? deadline - engine_now() : 0;
    if (!qemu_wait_for_end(&s->qemu, left, &status)) {
        o->end = END_TIMEOUT;
        return;
    }
    int code = wait_status_exit_code(status);
    o->end = code >= 0 ? END_EXITED : END_SIGNALED;
    o->exit_code = code >= 0 ? code : 0;
    o->exit_signal = wait_status_killed_by(status);
}

static void run_engine(run_state *s)
{
    cet_switches sw;
    configure_engine(s, &sw);
    if (engine_init(&s->eng, s->rsp, &s->config, &s->elf) != 0) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return;
    }
    s->have_engine = true;
    for (size_t i = 0; i < 3; i++)
        if (sw.warnings[i][0])
            engine_warn(&s->eng, "%s", sw.warnings[i]);
    s->eng.qemu_pid = s->qemu.pid;
    if (engine_run(&s->eng) != 0)
        explain_qemu_death(s);
    if (s->eng.out.end == END_EXECED)
        settle_exec(s, &s->eng.out, s->eng.deadline);
    s->eng.out.stats.round_trips = rsp_get_stats(s->rsp)->round_trips;
    if (s->opt.conformance)
        grade_conformance(s);
    /* The guest is ended with SIGKILL to QEMU's process group (in cleanup), not with
     * the stub's "k", after which QEMU prints a message of its own into the guest's
     * stderr. */
}

/* The stop-free engines launch QEMU themselves and never stop the guest. */
static void run_trace(run_state *s)
{
    cet_switches sw;
    configure_engine(s, &sw);
    run_outcome_init(&s->trace_out, engine_pick_name(&s->pick), &s->config, &s->elf);
    s->have_trace = true;
    for (size_t i = 0; i < 3; i++)
        if (sw.warnings[i][0])
            run_outcome_warn(&s->trace_out, "%s", sw.warnings[i]);
    if (s->pick.auto_note[0])
        run_outcome_warn(&s->trace_out, "--engine=auto: %s; QEMU's log is read instead "
                         "(--engine=trace)", s->pick.auto_note);
    trace_launch l = {.qemu_path = s->qemu_path, .qemu_args = s->opt.qemu_args,
                      .nqemu_args = s->opt.nqemu_args, .program = s->opt.program,
                      .argv = (const char *const *)s->opt.argv, .argc = s->opt.argc};
    if (s->pick.plugin)
        plugin_engine_run(&l, s->pick.library, &s->config, &s->trace_out);
    else
        trace_engine_run(&l, &s->config, &s->trace_out);
}

static void cleanup(run_state *s)
{
    if (s->have_trace)
        run_outcome_free(&s->trace_out);
    if (s->have_engine)
        engine_free(&s->eng);
    /* QEMU first: a stub that sees the connection close hands the pending breakpoint
     * trap to the guest, and QEMU prints "uncaught target signal 5" into its stderr. */
    if (s->qemu_started)
        qemu_stop(&s->qemu);
    if (s->rsp)
        rsp_close(s->rsp);
    terminal_take_back(s->terminal_owner);
    if (s->have_elf)
        elf_facts_free(&s->elf);
    if (s->emulator_stderr > 0)
        emulator_stderr_drain(s->emulator_stderr, (char[2]){0}, 2);
    run_options_free(&s->opt);
    insn_decoder_shutdown();
}

int cmd_run(int argc, char **argv)
{
    static run_state s; /* large; one run per process */
    memset(&s, 0, sizeof s);
    int parsed = run_options_parse(argc, argv, &s.opt, s.err, sizeof s.err);
    if (parsed != 0) {
        if (parsed < 0)
            fprintf(stderr, "cetharness run: %s\n", s.err);
        run_options_free(&s.opt);
        return parsed > 0 ? 0 : EXIT_HARNESS_ERROR;
    }
    qemu_install_cleanup_handlers();
    ignore_sigpipe();
    double t0 = engine_now();
    if (engine_pick_kind(&s.opt, &s.pick, s.err, sizeof s.err) == 0 && prepare(&s) == 0) {
        if (s.pick.stop_free)
            run_trace(&s);
        else
            run_engine(&s);
    }
    report(&s, engine_now() - t0);
    int status = exit_status(&s);
    cleanup(&s);
    return status;
}
