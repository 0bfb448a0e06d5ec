// A program that forks with glibc and waits for its child: the child runs outside the harness (QEMU detaches it) and must exit normally with 5, which the parent checks; IBT is off because this glibc is not CET-built.
// options: --ibt=off
// expect: clean exit=0
// needs: engine=rsp fork (the child's blocks go into the same log as the parent's)
// The parent returns 1 if the child did not exit with 5, 2 if fork failed.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        puts("child");
        _exit(5);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 5)
        return 1;
    puts("parent: child exited with 5");
    return 0;
}
