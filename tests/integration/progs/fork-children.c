/* Starts children the four ways real programs do and waits for each: fork, an exec that
 * fails and _exit(5), fork and exec argv[1], vfork and exec argv[1], posix_spawn of
 * argv[1] (a program that exits 7).  The parent exits 0 when every child ended as
 * expected, so a child the harness broke (a debug trap left set, a breakpoint left
 * planted) shows in its status: 10 + the child's number.  With a second argument
 * "smash" the parent then overwrites a return address, a violation a harness that still
 * checks the parent reports.  A child that execs argv[1] tries MISSING_PROGRAM first,
 * as execvp tries each directory of PATH: only the program that ran is one the children
 * exec'd. */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MISSING_PROGRAM "/nonexistent/program"

static void hijacked(void)
{
    _exit(99);
}

__attribute__((noinline)) static void smash(void)
{
    void *volatile *slot = __builtin_frame_address(0);
    slot[1] = (void *)hijacked;    /* the return address, above the saved rbp */
}

static int status_of(pid_t pid)
{
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static pid_t fork_exec(const char *program, int use_vfork)
{
    char *argv[] = {(char *)program, NULL};
    pid_t pid = use_vfork ? vfork() : fork();
    if (pid == 0) {
        execv(MISSING_PROGRAM, argv);
        execv(program, argv);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    pid_t plain = fork();
    if (plain == 0) {
        char *missing_argv[] = {MISSING_PROGRAM, NULL};
        execv(MISSING_PROGRAM, missing_argv);
        _exit(5);
    }
    if (status_of(plain) != 5)
        return 11;
    if (status_of(fork_exec(argv[1], 0)) != 7)
        return 12;
    if (status_of(fork_exec(argv[1], 1)) != 7)
        return 13;
    pid_t spawned;
    char *spawn_argv[] = {argv[1], NULL};
    if (posix_spawn(&spawned, argv[1], NULL, NULL, spawn_argv, environ) != 0 ||
        status_of(spawned) != 7)
        return 14;
    if (argc > 2 && strcmp(argv[2], "smash") == 0)
        smash();
    return 0;
}
