/* A guest under a stop-free engine: see trace_guest.h. */
#include "engine/trace/trace_guest.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double trace_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void trace_guest_init(trace_guest *g, double timeout_s)
{
    memset(g, 0, sizeof *g);
    g->deadline = timeout_s > 0 ? trace_now() + timeout_s : INFINITY;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->done_cond, NULL);
}

static void *watch(void *arg)
{
    trace_guest *g = arg;
    struct timespec until = {0};
    double d = g->deadline - trace_now() + (double)time(NULL);
    if (!isinf(d)) {
        until.tv_sec = (time_t)d;
        until.tv_nsec = (long)((d - (double)until.tv_sec) * 1e9);
    }
    pthread_mutex_lock(&g->lock);
    while (!g->done && isinf(g->deadline))   /* no --timeout */
        pthread_cond_wait(&g->done_cond, &g->lock);
    while (!g->done)
        if (pthread_cond_timedwait(&g->done_cond, &g->lock, &until) == ETIMEDOUT)
            break;
    if (!g->done) {
        g->timed_out = true;
        kill(-g->qemu.pid, SIGKILL);   /* the engine's reader sees QEMU's end */
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

/* The engine's arguments go after the user's QEMU arguments. */
static const char **arguments(const trace_launch *l, const char *const *extra, size_t nextra)
{
    const char **args = calloc(l->nqemu_args + nextra + 1, sizeof *args);
    if (!args)
        return NULL;
    for (size_t i = 0; i < l->nqemu_args; i++)
        args[i] = l->qemu_args[i];
    for (size_t i = 0; i < nextra; i++)
        args[l->nqemu_args + i] = extra[i];
    return args;
}

int trace_guest_start(trace_guest *g, const trace_launch *l, const char *const *extra,
                      size_t nextra, run_outcome *out)
{
    char err[4096 + 256];
    const char **args = arguments(l, extra, nextra);
    if (!args) {
        snprintf(out->message, sizeof out->message, "out of memory");
        out->end = END_ERROR;
        return -1;
    }
    qemu_launch_opts lo = {.qemu_path = l->qemu_path, .qemu_args = args,
                           .nqemu_args = l->nqemu_args + nextra, .program = l->program,
                           .argv = l->argv, .argc = l->argc, .no_gdbstub = true};
    int rc = qemu_start(&lo, &g->qemu, err, sizeof err);
    free(args);
    if (rc != 0) {
        snprintf(out->message, sizeof out->message, "%.480s", err);
        out->end = END_ERROR;
        return -1;
    }
    g->started = true;
    if (pthread_create(&g->watchdog, NULL, watch, g) == 0)
        g->watchdog_started = true;
    return 0;
}

bool trace_guest_exited(trace_guest *g)
{
    int status;
    return g->started && qemu_exited(&g->qemu, &status);
}

bool trace_guest_past_deadline(const trace_guest *g)
{
    return trace_now() > g->deadline;
}

void trace_guest_kill(trace_guest *g)
{
    if (g->started)
        kill(-g->qemu.pid, SIGKILL);
}

void trace_guest_settle(trace_guest *g, bool stopped, run_outcome *out)
{
    int status = 0;
    if (stopped) {
        out->end = END_STOPPED;
        return;
    }
    if (g->timed_out) {
        out->end = END_TIMEOUT;
        return;
    }
    while (!qemu_exited(&g->qemu, &status))
        usleep(1000);
    if (WIFEXITED(status)) {
        out->end = END_EXITED;
        out->exit_code = WEXITSTATUS(status);
        return;
    }
    out->end = END_SIGNALED;
    out->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

void trace_guest_crashed(run_outcome *out, uint64_t pc)
{
    out->crashed = true;
    out->crash_signal = out->exit_signal;
    out->crash_pc = pc;
    run_outcome_warn(out, "the %s engine knows the block the guest was in when the signal "
                     "came (0x%llx), not the instruction", out->engine_name,
                     (unsigned long long)pc);
}

void trace_guest_end(trace_guest *g)
{
    if (g->watchdog_started) {
        pthread_mutex_lock(&g->lock);
        g->done = true;
        pthread_cond_signal(&g->done_cond);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->watchdog, NULL);
        g->watchdog_started = false;
    }
    if (g->started)
        qemu_stop(&g->qemu);
    g->started = false;
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->done_cond);
}
