/* Starts QEMU on a unix socket in a private directory and makes sure that neither
 * QEMU nor the directory outlives the harness:
 *   - qemu_stop for the normal end;
 *   - SIGINT/SIGTERM/SIGHUP handlers (qemu_install_cleanup_handlers) for interrupts;
 *   - PR_SET_PDEATHSIG(SIGKILL) in QEMU for anything else, SIGKILL of the harness
 *     included;
 *   - qemu_remove_socket once the debugger is connected: QEMU accepts one connection
 *     and never needs the path again, so after that a harness killed by SIGKILL leaves
 *     no socket and no directory behind either. */
#include "qemu/qemu_launch.h"
#include "util/error_text.h"
#include "qemu/qemu_spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIVE_QEMU 64
#define DIR_TEMPLATE "cetharness-XXXXXX"
#define SOCKET_NAME "gdb.sock"


/* ---- registry of live QEMUs, read by the signal handlers ------------------------
 * A slot is claimed (BUSY) before fork and published (LIVE) once its fields are
 * written; the handler touches LIVE slots only and only makes async-signal-safe calls. */

enum { SLOT_FREE, SLOT_BUSY, SLOT_LIVE };

typedef struct live_slot {
    atomic_int state;
    atomic_int reaped;
    pid_t pid;
    char dir[sizeof ((qemu_process *)0)->dir];
    char socket_path[sizeof ((qemu_process *)0)->socket_path];
} live_slot;

static live_slot live[MAX_LIVE_QEMU];

static live_slot *claim_slot(void)
{
    for (size_t i = 0; i < MAX_LIVE_QEMU; i++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&live[i].state, &expected, SLOT_BUSY))
            return &live[i];
    }
    return NULL;
}

static void publish_slot(live_slot *s, const qemu_process *p)
{
    s->pid = p->pid;
    memcpy(s->dir, p->dir, sizeof s->dir);
    memcpy(s->socket_path, p->socket_path, sizeof s->socket_path);
    atomic_store(&s->reaped, 0);
    atomic_store(&s->state, SLOT_LIVE);
}

static live_slot *find_slot(pid_t pid)
{
    for (size_t i = 0; i < MAX_LIVE_QEMU; i++)
        if (atomic_load(&live[i].state) == SLOT_LIVE && live[i].pid == pid)
            return &live[i];
    return NULL;
}

static void release_slot(live_slot *s)
{
    if (s)
        atomic_store(&s->state, SLOT_FREE);
}

static void on_fatal_signal(int sig)
{
    for (size_t i = 0; i < MAX_LIVE_QEMU; i++) {
        live_slot *s = &live[i];
        if (atomic_load(&s->state) != SLOT_LIVE || s->pid <= 0)
            continue;
        kill(-s->pid, SIGKILL);
        /* Wait, so QEMU cannot recreate the socket after we unlink it. */
        if (!atomic_load(&s->reaped))
            while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (s->socket_path[0])
            unlink(s->socket_path);
        if (s->dir[0])
            rmdir(s->dir);
    }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    raise(sig);    /* delivered as the handler returns: the harness dies of sig */
}

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NCLEANUP_SIGNALS (sizeof cleanup_signals / sizeof cleanup_signals[0])

void qemu_install_cleanup_handlers(void)
{
    static atomic_flag installed = ATOMIC_FLAG_INIT;
    if (atomic_flag_test_and_set(&installed))
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NCLEANUP_SIGNALS; i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);
    for (size_t i = 0; i < NCLEANUP_SIGNALS; i++) {
        struct sigaction old;
        /* An ignored signal stays ignored (nohup, a parent's choice). */
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

static void block_cleanup_signals(sigset_t *saved)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < NCLEANUP_SIGNALS; i++)
        sigaddset(&set, cleanup_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, saved);
}

/* ---- private directory -------------------------------------------------------- */

static int make_private_dir(qemu_process *p, char *err, size_t errlen)
{
    const char *base = getenv("TMPDIR");
    size_t tail = strlen("/" DIR_TEMPLATE "/" SOCKET_NAME);
    /* A unix socket path must fit sun_path; a long $TMPDIR would not. */
    if (!base || !*base || strlen(base) + tail >= sizeof ((struct sockaddr_un *)0)->sun_path)
        base = "/tmp";
    snprintf(p->dir, sizeof p->dir, "%s/" DIR_TEMPLATE, base);
    if (!mkdtemp(p->dir)) {
        set_err(err, errlen, "cannot create a private directory in %s: %s", base,
                strerror(errno));
        p->dir[0] = '\0';
        return -1;
    }
    snprintf(p->socket_path, sizeof p->socket_path, "%s/" SOCKET_NAME, p->dir);
    return 0;
}

static void remove_private_dir(qemu_process *p)
{
    if (p->socket_path[0])
        unlink(p->socket_path);
    if (p->dir[0])
        rmdir(p->dir);
    p->socket_path[0] = '\0';
    p->dir[0] = '\0';
}

void qemu_remove_socket(qemu_process *p)
{
    live_slot *s = p->pid > 0 ? find_slot(p->pid) : NULL;
    if (s) {    /* the signal handler must not remove a path that is no longer ours */
        s->socket_path[0] = '\0';
        s->dir[0] = '\0';
    }
    remove_private_dir(p);
}

/* ---- start / stop ------------------------------------------------------------ */

/* qemu -g SOCKET [qemu_args...] program [argv...] NULL */
static char **build_argv(const qemu_launch_opts *o, const qemu_process *p)
{
    size_t n = 3 + o->nqemu_args + 1 + o->argc + 1, k = 0;
    char **argv = calloc(n, sizeof *argv);
    if (!argv)
        return NULL;
    argv[k++] = (char *)p->qemu_path;
    if (!o->no_gdbstub) {
        argv[k++] = "-g";
        argv[k++] = (char *)p->socket_path;
    }
    for (size_t i = 0; i < o->nqemu_args; i++)
        argv[k++] = (char *)o->qemu_args[i];
    argv[k++] = (char *)o->program;
    for (size_t i = 0; i < o->argc; i++)
        argv[k++] = (char *)o->argv[i];
    return argv;
}

static int resolve_binary(const char *name, qemu_process *p, char *err, size_t errlen)
{
    if (!name || !*name)
        name = "qemu-x86_64";
    if (strchr(name, '/')) {
        if ((size_t)snprintf(p->qemu_path, sizeof p->qemu_path, "%s", name) <
            sizeof p->qemu_path)
            return 0;
        set_err(err, errlen, "%s: path too long", name);
        return -1;
    }
    if (spawn_find_in_path(name, p->qemu_path, sizeof p->qemu_path))
        return 0;
    set_err(err, errlen, "%s: not found in PATH (use --qemu PATH or QEMU=...)", name);
    return -1;
}

/* Forks with the cleanup signals blocked, so no handler runs between the fork and
 * the moment the registry knows the new pid. */
static int spawn_registered(qemu_process *p, char **argv, int stderr_fd, live_slot *slot)
{
    sigset_t saved;
    block_cleanup_signals(&saved);
    p->pid = spawn_program(p->qemu_path, argv, -1, stderr_fd);
    int e = errno;
    if (p->pid > 0)
        publish_slot(slot, p);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = e;
    return p->pid > 0 ? 0 : -1;
}

int qemu_start(const qemu_launch_opts *opts, qemu_process *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!opts->program || !*opts->program) {
        set_err(err, errlen, "no program to run under QEMU");
        return -1;
    }
    if (resolve_binary(opts->qemu_path, out, err, errlen) != 0)
        return -1;
    live_slot *slot = claim_slot();
    if (!slot) {
        set_err(err, errlen, "more than %d QEMU processes at once", MAX_LIVE_QEMU);
        return -1;
    }
    char **argv = NULL;
    if (make_private_dir(out, err, errlen) != 0)
        goto fail;
    argv = build_argv(opts, out);
    if (!argv) {
        set_err(err, errlen, "out of memory");
        goto fail;
    }
    if (spawn_registered(out, argv, opts->stderr_fd, slot) != 0) {
        set_err(err, errlen, "cannot execute %s: %s", out->qemu_path, strerror(errno));
        goto fail;
    }
    free(argv);
    return 0;
fail:
    free(argv);
    remove_private_dir(out);
    release_slot(slot);
    out->pid = 0;
    return -1;
}

static void note_reaped(qemu_process *p, int wstatus)
{
    p->reaped = true;
    p->wstatus = wstatus;
    live_slot *s = find_slot(p->pid);
    if (s)
        atomic_store(&s->reaped, 1);
}

void qemu_stop(qemu_process *p)
{
    if (!p)
        return;
    if (p->pid > 0) {
        /* The group also holds any processes the guest forked. */
        kill(-p->pid, SIGKILL);
        if (!p->reaped) {
            int st = 0;
            pid_t w;
            while ((w = waitpid(p->pid, &st, 0)) < 0 && errno == EINTR)
                ;
            note_reaped(p, w == p->pid ? st : 0);
        }
        release_slot(find_slot(p->pid));
        p->pid = 0;
    }
    remove_private_dir(p);
}

bool qemu_exited(qemu_process *p, int *wstatus)
{
    if (!p->reaped && p->pid > 0) {
        int st = 0;
        pid_t w;
        while ((w = waitpid(p->pid, &st, WNOHANG)) < 0 && errno == EINTR)
            ;
        if (w == 0)
            return false;
        note_reaped(p, w == p->pid ? st : 0);    /* ECHILD: someone else reaped it */
    }
    if (wstatus)
        *wstatus = p->wstatus;
    return true;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool qemu_wait_for_end(qemu_process *p, double timeout_s, int *wstatus)
{
    double until = monotonic_s() + timeout_s;
    long pause_us = 1000;
    /* Polling rather than a blocking waitpid: the time limit must hold, and the
     * harness's signal handlers must still find QEMU unreaped. */
    while (!qemu_exited(p, wstatus)) {
        if (timeout_s >= 0 && monotonic_s() >= until)
            return false;
        usleep((useconds_t)pause_us);
        if (pause_us < 20000)
            pause_us *= 2;
    }
    return true;
}
