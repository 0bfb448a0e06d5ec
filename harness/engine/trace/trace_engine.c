/* Running a guest under the trace engine: QEMU writes its log into a FIFO in a private
 * directory, the harness reads it as it comes (QEMU waits when the harness is behind),
 * a watchdog ends the guest at the time limit, and QEMU's own end is the guest's. */
#include "engine/trace/trace_engine.h"

#include "engine/trace/trace_state.h"
#include "qemu/qemu_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct trace_run {
    char dir[64], fifo[96];
    qemu_process qemu;
    bool started;
    double deadline;
    pthread_t watchdog;
    bool watchdog_started;
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done, timed_out;
} trace_run;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(run_outcome *out, const char *fmt, const char *detail)
{
    snprintf(out->message, sizeof out->message, fmt, detail);
    out->end = END_ERROR;
    return -1;
}

/* The log's arguments go after the user's QEMU arguments. */
static const char **qemu_arguments(const trace_launch *l, const char *fifo, size_t *n)
{
    static const char *const log_args[] = {"-d", "in_asm,exec,nochain,page", "-strace", "-D"};
    size_t nlog = sizeof log_args / sizeof *log_args;
    const char **args = calloc(l->nqemu_args + nlog + 1, sizeof *args);
    if (!args)
        return NULL;
    for (size_t i = 0; i < l->nqemu_args; i++)
        args[i] = l->qemu_args[i];
    for (size_t i = 0; i < nlog; i++)
        args[l->nqemu_args + i] = log_args[i];
    args[l->nqemu_args + nlog] = fifo;
    *n = l->nqemu_args + nlog + 1;
    return args;
}

static int start_qemu(trace_run *r, const trace_launch *l, run_outcome *out)
{
    char err[4096 + 256];
    size_t nargs;
    snprintf(r->dir, sizeof r->dir, "/tmp/cetharness-trace-XXXXXX");
    if (!mkdtemp(r->dir))
        return fail(out, "cannot make a private directory for QEMU's log: %s", strerror(errno));
    snprintf(r->fifo, sizeof r->fifo, "%s/log", r->dir);
    if (mkfifo(r->fifo, 0600) != 0)
        return fail(out, "cannot make the FIFO for QEMU's log: %s", strerror(errno));
    const char **args = qemu_arguments(l, r->fifo, &nargs);
    if (!args)
        return fail(out, "%s", "out of memory");
    qemu_launch_opts lo = {.qemu_path = l->qemu_path, .qemu_args = args, .nqemu_args = nargs,
                           .program = l->program, .argv = l->argv, .argc = l->argc,
                           .no_gdbstub = true};
    int rc = qemu_start(&lo, &r->qemu, err, sizeof err);
    free(args);
    if (rc != 0)
        return fail(out, "%.480s", err);
    r->started = true;
    return 0;
}

/* Wait until QEMU opens its end of the FIFO (or has ended, or the time is up). */
static int open_log(trace_run *r, run_outcome *out)
{
    int fd = open(r->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(out, "cannot open QEMU's log: %s", strerror(errno));
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int status;
        if (poll(&p, 1, 50) > 0 && (p.revents & (POLLIN | POLLHUP)))
            break;
        if (qemu_exited(&r->qemu, &status) || now_s() > r->deadline) {
            close(fd);
            return fail(out, "%s", "QEMU ended before it wrote its log (does it take -d and -D?)");
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

static void *watch(void *arg)
{
    trace_run *r = arg;
    struct timespec until = {0};
    double d = r->deadline - now_s() + (double)time(NULL);
    if (!isinf(d)) {
        until.tv_sec = (time_t)d;
        until.tv_nsec = (long)((d - (double)until.tv_sec) * 1e9);
    }
    pthread_mutex_lock(&r->lock);
    while (!r->done && isinf(r->deadline))   /* no --timeout */
        pthread_cond_wait(&r->done_cond, &r->lock);
    while (!r->done)
        if (pthread_cond_timedwait(&r->done_cond, &r->lock, &until) == ETIMEDOUT)
            break;
    if (!r->done) {
        r->timed_out = true;
        kill(-r->qemu.pid, SIGKILL);   /* the FIFO closes: the reader sees its end */
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static void stop_watchdog(trace_run *r)
{
    if (!r->watchdog_started)
        return;
    pthread_mutex_lock(&r->lock);
    r->done = true;
    pthread_cond_signal(&r->done_cond);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->watchdog, NULL);
}

/* QEMU's end is the guest's: its exit status, or the signal that ended it. */
static void settle_end(trace_run *r, trace_state *s, bool stopped)
{
    int status = 0;
    run_outcome *out = s->out;
    if (stopped) {
        out->end = END_STOPPED;
        return;
    }
    if (r->timed_out) {
        out->end = END_TIMEOUT;
        return;
    }
    while (!qemu_exited(&r->qemu, &status))
        usleep(1000);
    if (WIFEXITED(status)) {
        out->end = END_EXITED;
        out->exit_code = WEXITSTATUS(status);
        return;
    }
    out->end = END_SIGNALED;
    out->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    /* The log's last signal is the guest's own only while no other process wrote it
     * and no exec'd program took QEMU's place. */
    out->crashed = out->exit_signal == s->last_signal && !s->forked && !out->unchecked.exec_program;
    out->crash_signal = out->exit_signal;
    const trace_thread *t = &s->threads[s->last_vcpu];
    out->crash_pc = t->has_prev ? s->blocks[t->prev].pc : 0;
    if (out->crashed)
        run_outcome_warn(out, "the trace engine knows the block the guest was in when the "
                         "signal came (0x%llx), not the instruction", (unsigned long long)out->crash_pc);
}

static void cleanup(trace_run *r)
{
    stop_watchdog(r);
    if (r->started)
        qemu_stop(&r->qemu);
    if (r->fifo[0])
        unlink(r->fifo);
    if (r->dir[0])
        rmdir(r->dir);
}

int trace_engine_run(const trace_launch *l, const engine_config *opt, run_outcome *out)
{
    static trace_state s;     /* large; one run per process */
    trace_run r = {.deadline = opt->timeout_s > 0 ? now_s() + opt->timeout_s : INFINITY};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.done_cond, NULL);
    int rc = -1;
    if (start_qemu(&r, l, out) == 0) {
        if (pthread_create(&r.watchdog, NULL, watch, &r) == 0)
            r.watchdog_started = true;
        int fd = open_log(&r, out);
        if (fd >= 0 && trace_state_init(&s, opt, out, r.qemu.pid) == 0) {
            rc = trace_follow(&s, fd);
            if (s.stop)
                kill(-r.qemu.pid, SIGKILL);
            if (rc == 0)
                settle_end(&r, &s, s.stop);
        } else if (fd >= 0) {
            close(fd);
            fail(out, "%s", "out of memory");
        }
        trace_state_free(&s);
    }
    cleanup(&r);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.done_cond);
    return rc;
}
