/* Finds the qemu-x86_64 to use and makes sure it is one, by asking it --version. */
#include "qemu/qemu_launch.h"
#include "util/error_text.h"
#include "qemu/qemu_spawn.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QEMU_DEFAULT_NAME "qemu-x86_64"
#define VERSION_PREFIX "qemu-x86_64 version "
#define VERSION_DEADLINE_MS 10000


static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- locating the file ------------------------------------------------------- */

static int check_file(const char *path, const char *origin, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            set_err(err, errlen, "QEMU %s: no such file%s", path, origin);
        else
            set_err(err, errlen, "QEMU %s: %s%s", path, strerror(errno), origin);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "QEMU %s: not a regular file%s", path, origin);
        return -1;
    }
    if (access(path, X_OK) != 0) {
        set_err(err, errlen, "QEMU %s: not executable%s", path, origin);
        return -1;
    }
    return 0;
}

static int locate(const char *explicit_path, char *path, size_t cap, char *err, size_t errlen)
{
    const char *name = explicit_path, *origin = "";
    if (!name || !*name) {
        name = getenv("QEMU");
        origin = " (from $QEMU)";
    }
    if (!name || !*name) {
        name = QEMU_DEFAULT_NAME;
        origin = "";
    }
    if (!strchr(name, '/')) {
        if (spawn_find_in_path(name, path, cap))
            return 0;
        set_err(err, errlen, "%s: not found in PATH (use --qemu PATH or QEMU=...)", name);
        return -1;
    }
    if (check_file(name, origin, err, errlen) != 0)
        return -1;
    if ((size_t)snprintf(path, cap, "%s", name) >= cap) {
        set_err(err, errlen, "%s: path too long", name);
        return -1;
    }
    return 0;
}

/* ---- running it for its output (--version, a plugin probe) ---------------------- */

/* Reads until EOF or the deadline; keeps the first bytes and drains the rest. */
static void collect_output(int fd, qemu_output *r, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            r->timed_out = true;
            return;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int n = poll(&pfd, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            continue;    /* the deadline check above ends the loop */
        char chunk[4096];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        size_t room = sizeof r->out - 1 - r->len, take = (size_t)got < room ? (size_t)got : room;
        memcpy(r->out + r->len, chunk, take);
        r->len += take;
    }
}

/* Waits for the exit, still bounded by the deadline (it may close stdout and linger). */
static void await_exit(pid_t pid, qemu_output *r, long long deadline)
{
    while (!r->timed_out) {
        pid_t w = waitpid(pid, &r->wstatus, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            return;
        if (now_ms() >= deadline)
            r->timed_out = true;
        else
            nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, &r->wstatus, 0) < 0 && errno == EINTR)
        ;
}

int qemu_run_captured(char *const argv[], int timeout_ms, qemu_output *r, char *err, size_t errlen)
{
    const char *path = argv[0];
    memset(r, 0, sizeof *r);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        set_err(err, errlen, "%s: cannot make a pipe: %s", path, strerror(errno));
        return -1;
    }
    pid_t pid = spawn_program(path, argv, out[1], 0);
    int spawn_errno = errno;
    close(out[1]);
    if (pid < 0) {
        close(out[0]);
        set_err(err, errlen, "cannot execute %s: %s", path, strerror(spawn_errno));
        return -1;
    }
    long long deadline = now_ms() + timeout_ms;
    collect_output(out[0], r, deadline);
    close(out[0]);
    await_exit(pid, r, deadline);
    r->out[r->len] = '\0';
    return 0;
}

/* ---- judging the answer ----------------------------------------------------- */

/* The first line, printable, short enough to quote in a message. */
static void first_line(const char *text, char *line, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p && *p != '\n' && n + 1 < cap && n < 100; p++)
        line[n++] = isprint((unsigned char)*p) ? *p : '?';
    line[n] = '\0';
}

static int judge_version(const char *path, const qemu_output *r, char *version, size_t cap,
                         char *err, size_t errlen)
{
    char line[128];
    first_line(r->out, line, sizeof line);
    if (r->timed_out) {
        set_err(err, errlen, "%s: no answer to --version within %d s", path,
                VERSION_DEADLINE_MS / 1000);
        return -1;
    }
    if (strncmp(r->out, VERSION_PREFIX, strlen(VERSION_PREFIX)) != 0) {
        if (line[0])
            set_err(err, errlen, "%s: not qemu-x86_64 (it says: %s)", path, line);
        else
            set_err(err, errlen, "%s: not qemu-x86_64 (it says nothing)", path);
        return -1;
    }
    const char *v = r->out + strlen(VERSION_PREFIX);
    size_t vlen = strcspn(v, " \t\r\n(");
    if (!isdigit((unsigned char)v[0]) || !WIFEXITED(r->wstatus) ||
        WEXITSTATUS(r->wstatus) != 0) {
        set_err(err, errlen, "%s: --version failed (it says: %s)", path, line);
        return -1;
    }
    if (version && cap)
        snprintf(version, cap, "%.*s", (int)vlen, v);
    return 0;
}

int qemu_resolve(const char *explicit_path, char *path, size_t pathcap, char *version,
                 size_t versioncap, char *err, size_t errlen)
{
    qemu_output r;
    if (locate(explicit_path, path, pathcap, err, errlen) != 0 ||
        qemu_run_captured((char *[]){path, "--version", NULL}, VERSION_DEADLINE_MS, &r, err,
                          errlen) != 0)
        return -1;
    return judge_version(path, &r, version, versioncap, err, errlen);
}
