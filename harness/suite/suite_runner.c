/* Parallel child runner: fork/exec, a poll loop over the output pipes, waitpid
 * without blocking, and a per-job deadline.  Each child leads its own process group
 * so that the watchdog also reaches the QEMU it started. */
#include "suite/suite_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_SLICE_MS 20

typedef struct tail_buf {
    char data[RUNNER_OUTPUT_CAP + 1];
    size_t len;
    bool truncated;
} tail_buf;

typedef struct slot {
    bool busy;
    size_t job;
    pid_t pid;
    int fd;                  /* read end of the output pipe, -1 once closed */
    double started, deadline;
    bool timed_out;
    tail_buf out;
} slot;

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps the newest RUNNER_OUTPUT_CAP bytes: the end of a log says what went wrong. */
static void tail_append(tail_buf *t, const char *p, size_t n)
{
    if (n >= RUNNER_OUTPUT_CAP) {
        t->truncated = t->truncated || n > RUNNER_OUTPUT_CAP || t->len > 0;
        memcpy(t->data, p + n - RUNNER_OUTPUT_CAP, RUNNER_OUTPUT_CAP);
        t->len = RUNNER_OUTPUT_CAP;
    } else {
        if (t->len + n > RUNNER_OUTPUT_CAP) {
            size_t drop = t->len + n - RUNNER_OUTPUT_CAP;
            memmove(t->data, t->data + drop, t->len - drop);
            t->len -= drop;
            t->truncated = true;
        }
        memcpy(t->data + t->len, p, n);
        t->len += n;
    }
    t->data[t->len] = '\0';
}

static void tail_printf(tail_buf *t, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        tail_append(t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Reads what is there; closes the pipe at end of file or on an error. */
static void drain(slot *s)
{
    char buf[8192];
    while (s->fd >= 0) {
        ssize_t n = read(s->fd, buf, sizeof buf);
        if (n > 0) {
            tail_append(&s->out, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        close(s->fd);
        s->fd = -1;
    }
}

static void exec_child(const runner_job *job, int out_fd)
{
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
        dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    execv(job->argv[0], job->argv);
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", job->argv[0], strerror(errno));
    _exit(127);
}

static int start_job(slot *s, const runner_job *jobs, size_t index)
{
    int fds[2];
    memset(s, 0, offsetof(slot, out));
    s->out.len = 0;
    s->out.truncated = false;
    s->out.data[0] = '\0';
    s->busy = true;
    s->job = index;
    s->fd = -1;
    s->started = now_s();
    s->deadline = s->started + jobs[index].kill_after_s;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        tail_printf(&s->out, "cannot create a pipe: %s\n", strerror(errno));
        return -1;
    }
    s->pid = fork();
    if (s->pid == 0)
        exec_child(&jobs[index], fds[1]);
    close(fds[1]);
    if (s->pid < 0) {
        tail_printf(&s->out, "cannot fork: %s\n", strerror(errno));
        close(fds[0]);
        return -1;
    }
    setpgid(s->pid, s->pid);   /* also here: the child may not have run yet */
    s->fd = fds[0];
    fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

static void report_finish(slot *s, int status, bool spawn_failed, const runner_callbacks *cb)
{
    runner_result r = {
        .wait_status = status,
        .spawn_failed = spawn_failed,
        .timed_out = s->timed_out,
        .output = s->out.data,
        .output_len = s->out.len,
        .output_truncated = s->out.truncated,
        .time_s = now_s() - s->started,
    };
    s->busy = false;
    if (cb && cb->finished)
        cb->finished(cb->ctx, s->job, &r);
}

/* Reaps the slot's child if it ended; the rest of its group goes with it. */
static void try_reap(slot *s, const runner_callbacks *cb)
{
    int status;
    pid_t got = waitpid(s->pid, &status, WNOHANG);
    if (got == 0 || (got < 0 && errno == EINTR))
        return;
    drain(s);
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    kill(-s->pid, SIGKILL);
    report_finish(s, got < 0 ? 0 : status, false, cb);
}

static int poll_outputs(slot *slots, unsigned nslots, char *err, size_t errlen)
{
    struct pollfd pfds[nslots];
    unsigned map[nslots], n = 0;
    double t = now_s(), wait_s = POLL_SLICE_MS / 1000.0;
    for (unsigned i = 0; i < nslots; i++) {
        if (!slots[i].busy)
            continue;
        if (slots[i].deadline - t < wait_s)
            wait_s = slots[i].deadline - t;
        if (slots[i].fd >= 0) {
            pfds[n] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
            map[n++] = i;
        }
    }
    int timeout_ms = wait_s > 0 ? (int)(wait_s * 1000.0) + 1 : 0;
    if (poll(pfds, n, timeout_ms) < 0 && errno != EINTR) {
        snprintf(err, errlen, "poll: %s", strerror(errno));
        return -1;
    }
    for (unsigned k = 0; k < n; k++)
        if (pfds[k].revents)
            drain(&slots[map[k]]);
    return 0;
}

static void enforce_deadlines(slot *slots, unsigned nslots)
{
    double t = now_s();
    for (unsigned i = 0; i < nslots; i++) {
        if (slots[i].busy && !slots[i].timed_out && t >= slots[i].deadline) {
            kill(-slots[i].pid, SIGKILL);
            slots[i].timed_out = true;
        }
    }
}

static void kill_all(slot *slots, unsigned nslots)
{
    for (unsigned i = 0; i < nslots; i++) {
        if (!slots[i].busy)
            continue;
        kill(-slots[i].pid, SIGKILL);
        waitpid(slots[i].pid, NULL, 0);
        if (slots[i].fd >= 0)
            close(slots[i].fd);
        slots[i].busy = false;
    }
}

static unsigned fill_slots(slot *slots, unsigned nslots, const runner_job *jobs, size_t n,
                           size_t *next, const runner_callbacks *cb)
{
    unsigned busy = 0;
    for (unsigned i = 0; i < nslots; i++) {
        if (!slots[i].busy && *next < n) {
            size_t job = (*next)++;
            if (cb && cb->started)
                cb->started(cb->ctx, job);
            if (start_job(&slots[i], jobs, job) != 0)
                report_finish(&slots[i], 0, true, cb);
        }
        busy += slots[i].busy;
    }
    return busy;
}

static int run_loop(slot *slots, unsigned nslots, const runner_job *jobs, size_t n,
                    const runner_callbacks *cb, char *err, size_t errlen)
{
    size_t next = 0;
    while (fill_slots(slots, nslots, jobs, n, &next, cb) > 0 || next < n) {
        if (interrupted) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
        if (poll_outputs(slots, nslots, err, errlen))
            return -1;
        enforce_deadlines(slots, nslots);
        for (unsigned i = 0; i < nslots; i++)
            if (slots[i].busy)
                try_reap(&slots[i], cb);
    }
    return 0;
}

int runner_run(const runner_job *jobs, size_t n, unsigned parallel,
               const runner_callbacks *cb, char *err, size_t errlen)
{
    unsigned nslots = parallel ? parallel : 1;
    if (nslots > n)
        nslots = n ? (unsigned)n : 1;
    slot *slots = calloc(nslots, sizeof *slots);
    if (!slots) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct sigaction sa = {.sa_handler = on_interrupt}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int rc = run_loop(slots, nslots, jobs, n, cb, err, errlen);
    kill_all(slots, nslots);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(slots);
    return rc;
}
