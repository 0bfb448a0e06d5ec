#include "qemu/process_status.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

const char *describe_wait_status(int status, char *buf, size_t cap)
{
    if (WIFEXITED(status))
        snprintf(buf, cap, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, cap, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, cap, "wait status 0x%x", status);
    return buf;
}

int wait_status_killed_by(int status)
{
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

int wait_status_exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

/* tcsetpgrp from a background group raises SIGTTOU: ignore it around the call. */
static void set_foreground(int pgid)
{
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGTTOU, &ignore, &old);
    tcsetpgrp(STDIN_FILENO, pgid);
    sigaction(SIGTTOU, &old, NULL);
}

int terminal_give_to(int pgid)
{
    if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
        return 0;
    int previous = getpgrp();
    set_foreground(pgid);
    return previous;
}

void terminal_take_back(int previous_pgid)
{
    if (previous_pgid > 0)
        set_foreground(previous_pgid);
}
