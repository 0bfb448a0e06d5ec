/* The QEMU launcher against the real qemu-x86_64 ($QEMU, else /usr/bin/qemu-x86_64). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu/qemu_launch.h"
#include "rsp.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cetharness-launchtest-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* One suite-wide timeout: a per-test .timeout on top of a suite .timeout makes
 * Criterion 2.4 leak in the runner, which fails the run under LeakSanitizer. */
TestSuite(qemu_launch, .init = make_dir, .fini = remove_dir, .timeout = 60);

static const char *in_dir(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static const char *write_script(const char *name, const char *body, mode_t mode)
{
    const char *path = in_dir(name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    cr_assert_eq(chmod(path, mode), 0);
    return path;
}

static const char *real_qemu(void)
{
    const char *q = getenv("QEMU");
    return q && *q ? q : "/usr/bin/qemu-x86_64";
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

static bool wait_for_socket(const char *path, long timeout_ms)
{
    for (long t = 0; t < timeout_ms; t += 10) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            return true;
        sleep_ms(10);
    }
    return false;
}

/* Reaps pid (a child, or an orphan handed to us as subreaper) within timeout_ms. */
static bool wait_for_death(pid_t pid, long timeout_ms, int *status)
{
    for (long t = 0; t < timeout_ms; t += 10) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return true;
        sleep_ms(10);
    }
    return false;
}

static void resolve_fails(const char *explicit_path, const char *expected)
{
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(qemu_resolve(explicit_path, path, sizeof path, version, sizeof version,
                              err, sizeof err), -1);
    cr_assert_str_eq(err, expected);
}

/* ---- qemu_resolve ------------------------------------------------------------ */

Test(qemu_launch, resolve_real_qemu)
{
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(qemu_resolve(real_qemu(), path, sizeof path, version, sizeof version,
                              err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(path, real_qemu()[0] == '/' ? real_qemu() : path);
    char cmd[4200], line[256] = "";
    snprintf(cmd, sizeof cmd, "'%s' --version", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(line, sizeof line, p));
    pclose(p);
    char expected[128];
    snprintf(expected, sizeof expected, "qemu-x86_64 version %s", version);
    cr_assert_eq(strncmp(line, expected, strlen(expected)), 0, "%s vs %s", line, expected);
    cr_assert(strchr(" (\n", line[strlen(expected)]) != NULL, "version cut short: %s", version);
}

Test(qemu_launch, resolve_rejects_missing_and_unusable_files)
{
    char expected[512];
    resolve_fails("/nonexistent/qemu-x86_64", "QEMU /nonexistent/qemu-x86_64: no such file");
    snprintf(expected, sizeof expected, "QEMU %s: not a regular file", dir);
    resolve_fails(dir, expected);
    const char *plain = write_script("plain", "echo qemu-x86_64 version 7.2.0", 0644);
    snprintf(expected, sizeof expected, "QEMU %s: not executable", plain);
    resolve_fails(plain, expected);
}

Test(qemu_launch, resolve_rejects_programs_that_are_not_qemu_x86_64)
{
    /* GNU true answers --version with its own name. */
    char line[256] = "", expected[512];
    FILE *p = popen("/bin/true --version", "r");
    cr_assert_not_null(p);
    if (fgets(line, sizeof line, p))
        line[strcspn(line, "\n")] = '\0';
    pclose(p);
    snprintf(expected, sizeof expected, "/bin/true: not qemu-x86_64 (it says: %s)", line);
    resolve_fails("/bin/true", expected);
    const char *silent = write_script("silent", "exit 0", 0755);
    snprintf(expected, sizeof expected, "%s: not qemu-x86_64 (it says nothing)", silent);
    resolve_fails(silent, expected);
    const char *arm = write_script("qemu-aarch64", "echo 'qemu-aarch64 version 7.2.0'", 0755);
    snprintf(expected, sizeof expected,
             "%s: not qemu-x86_64 (it says: qemu-aarch64 version 7.2.0)", arm);
    resolve_fails(arm, expected);
    const char *noisy = write_script("noisy", "printf 'oops\\033[1m\\n'; echo second >&2", 0755);
    snprintf(expected, sizeof expected, "%s: not qemu-x86_64 (it says: oops?[1m)", noisy);
    resolve_fails(noisy, expected);
    const char *failing = write_script("failing", "echo 'qemu-x86_64 version 7.2.0'; exit 3",
                                       0755);
    snprintf(expected, sizeof expected,
             "%s: --version failed (it says: qemu-x86_64 version 7.2.0)", failing);
    resolve_fails(failing, expected);
}

Test(qemu_launch, resolve_reports_exec_failure)
{
    const char *bad = in_dir("garbage");
    FILE *f = fopen(bad, "w");
    cr_assert_not_null(f);
    fputs("\x01\x02 this is no program\n", f);
    fclose(f);
    cr_assert_eq(chmod(bad, 0755), 0);
    char expected[512];
    snprintf(expected, sizeof expected, "cannot execute %s: Exec format error", bad);
    resolve_fails(bad, expected);
}

Test(qemu_launch, resolve_uses_env_then_path)
{
    const char *fake = write_script("qemu-x86_64",
                                    "echo 'qemu-x86_64 version 9.9.1 (fake build)'", 0755);
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(setenv("QEMU", fake, 1), 0);
    cr_assert_eq(qemu_resolve(NULL, path, sizeof path, version, sizeof version, err,
                              sizeof err), 0, "%s", err);
    cr_assert_str_eq(path, fake);
    cr_assert_str_eq(version, "9.9.1");

    cr_assert_eq(setenv("QEMU", in_dir("missing"), 1), 0);
    char expected[512];
    snprintf(expected, sizeof expected, "QEMU %s: no such file (from $QEMU)", in_dir("missing"));
    resolve_fails(NULL, expected);

    cr_assert_eq(unsetenv("QEMU"), 0);
    char search[300];
    snprintf(search, sizeof search, "/nonexistent:%s", dir);
    cr_assert_eq(setenv("PATH", search, 1), 0);
    cr_assert_eq(qemu_resolve("", path, sizeof path, version, sizeof version, err,
                              sizeof err), 0, "%s", err);
    cr_assert_str_eq(path, fake);
    cr_assert_eq(setenv("PATH", "/nonexistent", 1), 0);
    resolve_fails(NULL, "qemu-x86_64: not found in PATH (use --qemu PATH or QEMU=...)");
    cr_assert_eq(setenv("PATH", "/usr/bin:/bin", 1), 0);
}

Test(qemu_launch, resolve_gives_up_on_a_hanging_program)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    char body[512];
    snprintf(body, sizeof body, "sleep 60 & echo $! > '%s'; wait", in_dir("sleeper.pid"));
    const char *hang = write_script("hang", body, 0755);
    char expected[512];
    snprintf(expected, sizeof expected, "%s: no answer to --version within 10 s", hang);
    time_t t0 = time(NULL);
    resolve_fails(hang, expected);
    cr_assert_leq(time(NULL) - t0, 13);
    /* The script's own child went with it: the whole group was killed. */
    FILE *f = fopen(in_dir("sleeper.pid"), "r");
    cr_assert_not_null(f);
    int sleeper = 0, status = 0;
    cr_assert_eq(fscanf(f, "%d", &sleeper), 1);
    fclose(f);
    cr_assert(wait_for_death(sleeper, 3000, &status));
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* ---- qemu_start / qemu_stop ------------------------------------------------------ */

static void start_true(qemu_process *q)
{
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(qemu_resolve(real_qemu(), path, sizeof path, version, sizeof version, err,
                              sizeof err), 0, "%s", err);
    qemu_launch_opts o = {.qemu_path = path, .program = "/bin/true"};
    cr_assert_eq(qemu_start(&o, q, err, sizeof err), 0, "%s", err);
    cr_assert(wait_for_socket(q->socket_path, 10000), "no socket at %s", q->socket_path);
}

Test(qemu_launch, start_and_stop)
{
    cr_assert_eq(setenv("TMPDIR", dir, 1), 0);
    qemu_process q;
    start_true(&q);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s/cetharness-", dir);
    cr_assert_eq(strncmp(q.dir, prefix, strlen(prefix)), 0, "%s", q.dir);
    char sock[400];
    snprintf(sock, sizeof sock, "%s/gdb.sock", q.dir);
    cr_assert_str_eq(q.socket_path, sock);
    struct stat st;
    cr_assert_eq(stat(q.dir, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700);
    cr_assert_eq(getpgid(q.pid), q.pid);
    cr_assert_eq(kill(-q.pid, 0), 0);
    int status;
    cr_assert_not(qemu_exited(&q, &status));    /* waits for the debugger */

    pid_t pid = q.pid;
    char qdir[256];
    snprintf(qdir, sizeof qdir, "%s", q.dir);
    qemu_stop(&q);
    cr_assert_eq(kill(-pid, 0), -1);
    cr_assert_eq(errno, ESRCH);
    cr_assert_eq(stat(qdir, &st), -1);
    cr_assert_eq(errno, ENOENT);
    cr_assert(qemu_exited(&q, &status));
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    qemu_stop(&q);    /* twice is harmless */
    cr_assert_eq(q.pid, 0);
}

Test(qemu_launch, long_tmpdir_falls_back_to_tmp)
{
    char longdir[200];
    snprintf(longdir, sizeof longdir, "%s/%0100d", dir, 0);
    cr_assert_eq(mkdir(longdir, 0700), 0);
    cr_assert_eq(setenv("TMPDIR", longdir, 1), 0);
    qemu_process q;
    start_true(&q);
    cr_assert_eq(strncmp(q.dir, "/tmp/cetharness-", 16), 0, "%s", q.dir);
    qemu_stop(&q);
}

static void send_all(int fd, const char *s)
{
    cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Lets the guest run to its end: "c", then ack the exit packet. */
static void continue_to_exit(const char *socket_path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    cr_assert_lt(strlen(socket_path), sizeof a.sun_path);
    memcpy(a.sun_path, socket_path, strlen(socket_path) + 1);
    /* QEMU binds before it listens: the socket can exist and still refuse us. */
    int rc = -1;
    for (int i = 0; i < 500 && (rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0; i++)
        sleep_ms(10);
    cr_assert_eq(rc, 0, "%s", strerror(errno));
    send_all(fd, "$c#63");
    char buf[256];
    size_t seen = 0;
    ssize_t n;
    while ((n = read(fd, buf + seen, sizeof buf - 1 - seen)) > 0) {
        seen += (size_t)n;
        buf[seen] = '\0';
        if (strstr(buf, "$W"))
            break;
    }
    cr_assert_not_null(strstr(buf, "$W00"), "no exit reply: %s", buf);
    send_all(fd, "+");
    close(fd);
}

Test(qemu_launch, guest_inherits_stdout_and_exit_is_seen)
{
    const char *out = in_dir("guest.out");
    FILE *f = fopen(out, "w");
    cr_assert_not_null(f);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    cr_assert_eq(dup2(fileno(f), STDOUT_FILENO), STDOUT_FILENO);
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(qemu_resolve(real_qemu(), path, sizeof path, version, sizeof version, err,
                              sizeof err), 0, "%s", err);
    const char *args[] = {"hello", "guest"};
    qemu_launch_opts o = {.qemu_path = path, .program = "/bin/echo", .argv = args, .argc = 2};
    qemu_process q;
    int rc = qemu_start(&o, &q, err, sizeof err);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    fclose(f);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(wait_for_socket(q.socket_path, 10000));
    continue_to_exit(q.socket_path);
    int status = -1;
    bool done = false;
    for (int i = 0; i < 500 && !(done = qemu_exited(&q, &status)); i++)
        sleep_ms(10);
    cr_assert(done);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int again = -1;
    cr_assert(qemu_exited(&q, &again));    /* the status is remembered */
    cr_assert_eq(again, status);
    qemu_stop(&q);

    char text[64] = "";
    f = fopen(out, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(text, sizeof text, f));
    fclose(f);
    cr_assert_str_eq(text, "hello guest\n");
}

Test(qemu_launch, start_reports_exec_failure_and_cleans_up)
{
    cr_assert_eq(setenv("TMPDIR", dir, 1), 0);
    const char *plain = write_script("not-exec", "exit 0", 0644);
    qemu_launch_opts o = {.qemu_path = plain, .program = "/bin/true"};
    qemu_process q;
    char err[512] = "", expected[512];
    cr_assert_eq(qemu_start(&o, &q, err, sizeof err), -1);
    snprintf(expected, sizeof expected, "cannot execute %s: Permission denied", plain);
    cr_assert_str_eq(err, expected);
    cr_assert_eq(q.pid, 0);
    char cmd[256], count[16] = "";
    snprintf(cmd, sizeof cmd, "ls -d '%s'/cetharness-* 2>/dev/null | wc -l", dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(fgets(count, sizeof count, p));
    pclose(p);
    cr_assert_eq(atoi(count), 0, "private directory left behind");

    o.qemu_path = "qemu-nonexistent-arch";
    cr_assert_eq(qemu_start(&o, &q, err, sizeof err), -1);
    cr_assert_str_eq(err,
                     "qemu-nonexistent-arch: not found in PATH (use --qemu PATH or QEMU=...)");
}

/* ---- the harness dying ----------------------------------------------------------- */

typedef struct child_harness {
    pid_t pid;           /* the forked "harness" */
    pid_t qemu;
    char dir[256];
} child_harness;

/* Forks a process that (optionally) installs the handlers, starts QEMU, (optionally)
 * connects to its stub and removes the socket as cetharness run does, reports the
 * QEMU pid and directory through a pipe and waits to be killed. */
static child_harness fork_harness_connected(bool handlers, bool ignore_hup, bool connect)
{
    char path[4096], version[64], err[512] = "";
    cr_assert_eq(qemu_resolve(real_qemu(), path, sizeof path, version, sizeof version, err,
                              sizeof err), 0, "%s", err);
    int pfd[2];
    cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
    child_harness h = {0};
    h.pid = fork();
    cr_assert_geq(h.pid, 0);
    if (h.pid == 0) {
        close(pfd[0]);
        if (ignore_hup)
            signal(SIGHUP, SIG_IGN);
        if (handlers)
            qemu_install_cleanup_handlers();
        qemu_launch_opts o = {.qemu_path = path, .program = "/bin/true"};
        qemu_process q;
        if (qemu_start(&o, &q, err, sizeof err) != 0 || !wait_for_socket(q.socket_path, 10000))
            _exit(1);
        if (connect) {
            if (!rsp_connect_unix(q.socket_path, 10000, err, sizeof err))
                _exit(1);
            qemu_remove_socket(&q);
        }
        child_harness me = {.pid = getpid(), .qemu = q.pid};
        memcpy(me.dir, q.dir, sizeof me.dir);
        if (write(pfd[1], &me, sizeof me) != sizeof me)
            _exit(1);
        for (;;)
            pause();
    }
    close(pfd[1]);
    ssize_t n = read(pfd[0], &h, sizeof h);
    close(pfd[0]);
    cr_assert_eq(n, (ssize_t)sizeof h, "child harness could not start QEMU");
    return h;
}

static child_harness fork_harness(bool handlers, bool ignore_hup)
{
    return fork_harness_connected(handlers, ignore_hup, false);
}

static void expect_qemu_dies_with_sigkilled_harness(const child_harness *h)
{
    int status;
    cr_assert_eq(kill(h->qemu, 0), 0);
    cr_assert_eq(kill(h->pid, SIGKILL), 0);
    cr_assert_eq(waitpid(h->pid, &status, 0), h->pid);
    if (!wait_for_death(h->qemu, 5000, &status)) {
        kill(h->qemu, SIGKILL);
        cr_assert_fail("QEMU outlived its harness");
    }
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cr_assert_eq(kill(h->qemu, 0), -1);
}

Test(qemu_launch, sigkilled_harness_takes_qemu_along)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);    /* orphaned QEMU comes to us */
    child_harness h = fork_harness(false, false);
    expect_qemu_dies_with_sigkilled_harness(&h);
    /* Killed before it connected, nobody could remove the directory. */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", h.dir);
    cr_assert_eq(system(cmd), 0);
}

Test(qemu_launch, sigkilled_harness_leaves_no_socket_once_connected)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    child_harness h = fork_harness_connected(false, false, true);
    struct stat st;
    cr_assert_eq(stat(h.dir, &st), -1, "%s still there after qemu_remove_socket", h.dir);
    cr_assert_eq(errno, ENOENT);
    expect_qemu_dies_with_sigkilled_harness(&h);
}

static void expect_cleaned_up(const child_harness *h, int sig)
{
    int status;
    cr_assert_eq(kill(h->pid, sig), 0);
    if (!wait_for_death(h->pid, 5000, &status)) {
        kill(h->pid, SIGKILL);    /* PDEATHSIG then takes QEMU along */
        cr_assert_fail("the harness hangs in its %s handler", strsignal(sig));
    }
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == sig, "harness status %#x", status);
    /* The handler killed and reaped QEMU before the harness died: no orphan (as
     * PDEATHSIG alone would leave us, the subreaper) and no process at all. */
    cr_assert_eq(waitpid(h->qemu, &status, WNOHANG), -1, "QEMU was orphaned");
    cr_assert_eq(errno, ECHILD);
    cr_assert_eq(kill(h->qemu, 0), -1);
    cr_assert_eq(errno, ESRCH);
    cr_assert_eq(kill(-h->qemu, 0), -1);
    struct stat st;
    cr_assert_eq(stat(h->dir, &st), -1, "%s left behind", h->dir);
    cr_assert_eq(errno, ENOENT);
}

Test(qemu_launch, sigterm_handler_kills_group_and_removes_directory)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    child_harness h = fork_harness(true, false);
    expect_cleaned_up(&h, SIGTERM);
}

Test(qemu_launch, sigint_handler_kills_group_and_removes_directory)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    child_harness h = fork_harness(true, false);
    expect_cleaned_up(&h, SIGINT);
}

Test(qemu_launch, ignored_sighup_stays_ignored)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    child_harness h = fork_harness(true, true);
    int status;
    cr_assert_eq(kill(h.pid, SIGHUP), 0);
    sleep_ms(200);
    if (waitpid(h.pid, &status, WNOHANG) != 0)
        cr_assert_fail("SIGHUP ended a nohup'ed harness");
    cr_assert_eq(kill(h.qemu, 0), 0);
    expect_cleaned_up(&h, SIGTERM);
}
