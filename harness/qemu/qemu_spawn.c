/* fork/exec for the QEMU launcher.  Between fork and exec the child only makes
 * async-signal-safe calls, since the harness may have other threads. */
#include "qemu/qemu_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool spawn_find_in_path(const char *name, char *out, size_t cap)
{
    const char *dirs = getenv("PATH");
    if (!dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = dirs;; ) {
        size_t len = strcspn(p, ":");
        char cand[PATH_MAX];
        /* An empty PATH entry means the current directory. */
        int n = len ? snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p, name)
                    : snprintf(cand, sizeof cand, "./%s", name);
        if (n > 0 && (size_t)n < sizeof cand && (size_t)n < cap && is_executable_file(cand)) {
            memcpy(out, cand, (size_t)n + 1);
            return true;
        }
        if (p[len] == '\0')
            return false;
        p += len + 1;
    }
}

static void reset_signals(void)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);    /* fails harmlessly for SIGKILL/SIGSTOP/RT gaps */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static int redirect_output(int out_fd)
{
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0)
        return -1;
    if (devnull != STDIN_FILENO)
        close(devnull);
    if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
        return -1;
    return 0;
}

static _Noreturn void run_child(const char *path, char *const argv[], int out_fd, int err_fd,
                                pid_t parent, int report_fd)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The parent may have died before the prctl took effect; then no signal comes. */
    if (getppid() != parent)
        _exit(127);
    int e = 0;
    if (out_fd >= 0 && redirect_output(out_fd) != 0)
        e = errno;
    if (e == 0 && err_fd > 0 && dup2(err_fd, STDERR_FILENO) < 0)
        e = errno;
    if (e == 0) {
        reset_signals();
        execv(path, argv);
        e = errno;
    }
    ssize_t w = write(report_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* Reads the exec report: 0 when the pipe closed on exec, else the child's errno. */
static int read_exec_report(int fd)
{
    int e = 0;
    ssize_t n;
    do
        n = read(fd, &e, sizeof e);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof e ? e : 0;
}

pid_t spawn_program(const char *path, char *const argv[], int out_fd, int err_fd)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        run_child(path, argv, out_fd, err_fd, parent, report[1]);
    int fork_errno = errno;
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        errno = fork_errno;
        return -1;
    }
    /* Also here, so the group exists whichever process runs first. */
    setpgid(pid, pid);
    int e = read_exec_report(report[0]);
    close(report[0]);
    if (e == 0)
        return pid;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    errno = e;
    return -1;
}
