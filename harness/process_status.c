#include "process_status.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

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

void ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}
