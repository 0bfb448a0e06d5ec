/* Running a guest under the log engine: QEMU writes its log into a FIFO in a private
 * directory, the harness reads it as it comes (QEMU waits when the harness is behind),
 * and QEMU's end is the guest's (trace_guest.c). */
#include "engine/trace/trace_engine.h"

#include "engine/trace/trace_guest.h"
#include "engine/trace/trace_state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct log_fifo { char dir[64], path[96]; } log_fifo;

static int fail(run_outcome *out, const char *fmt, const char *detail)
{
    snprintf(out->message, sizeof out->message, fmt, detail);
    out->end = END_ERROR;
    return -1;
}

static int make_fifo(log_fifo *f, run_outcome *out)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/cetharness-trace-XXXXXX");
    if (!mkdtemp(f->dir)) {
        f->dir[0] = '\0';
        return fail(out, "cannot make a private directory for QEMU's log: %s", strerror(errno));
    }
    snprintf(f->path, sizeof f->path, "%s/log", f->dir);
    if (mkfifo(f->path, 0600) != 0) {
        f->path[0] = '\0';
        return fail(out, "cannot make the FIFO for QEMU's log: %s", strerror(errno));
    }
    return 0;
}

static void remove_fifo(log_fifo *f)
{
    if (f->path[0])
        unlink(f->path);
    if (f->dir[0])
        rmdir(f->dir);
}

/* Wait until QEMU opens its end of the FIFO (or has ended, or the time is up). */
static int open_log(trace_guest *g, const log_fifo *f, run_outcome *out)
{
    int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(out, "cannot open QEMU's log: %s", strerror(errno));
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0 && (p.revents & (POLLIN | POLLHUP)))
            break;
        if (trace_guest_exited(g) || trace_guest_past_deadline(g)) {
            close(fd);
            return fail(out, "%s", "QEMU ended before it wrote its log (does it take -d and -D?)");
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* A guest that died of the last signal the log shows delivered crashed, in the last
 * block its last thread ran; the log's last signal is the guest's own only while no
 * other process wrote it and no exec'd program took QEMU's place. */
static void judge_crash(const trace_state *s, run_outcome *out)
{
    const trace_thread *t = &s->threads[s->last_vcpu];
    if (out->end == END_SIGNALED && out->exit_signal == s->last_signal && !s->forked &&
        !out->unchecked.exec_program)
        trace_guest_crashed(out, t->has_prev ? s->blocks[t->prev].pc : 0);
}

static int follow(trace_guest *g, const log_fifo *f, const engine_config *opt, run_outcome *out)
{
    static trace_state s;     /* large; one run per process */
    int fd = open_log(g, f, out);
    if (fd < 0)
        return -1;
    if (trace_state_init(&s, opt, out, g->qemu.pid) != 0) {
        close(fd);
        trace_state_free(&s);
        return fail(out, "%s", "out of memory");
    }
    out->unchecked.child_programs_known = true;   /* children's execve lines are in the log */
    int rc = trace_follow(&s, fd);
    if (s.stop)
        trace_guest_kill(g);
    if (rc == 0) {
        trace_guest_settle(g, s.stop, out);
        judge_crash(&s, out);
    }
    trace_state_free(&s);
    return rc;
}

int trace_engine_run(const trace_launch *l, const engine_config *opt, run_outcome *out)
{
    trace_guest g;
    log_fifo f = {{0}, {0}};
    int rc = -1;
    trace_guest_init(&g, opt->timeout_s);
    if (make_fifo(&f, out) == 0) {
        const char *log_args[] = {"-d", "in_asm,exec,nochain,page", "-strace", "-D", f.path};
        if (trace_guest_start(&g, l, log_args, sizeof log_args / sizeof *log_args, out) == 0)
            rc = follow(&g, &f, opt, out);
    }
    trace_guest_end(&g);
    remove_fifo(&f);
    return rc;
}
