/* Execs argv[1] with the rest of argv, after an execve that fails: the run must go on
 * checking after the failed one (calls and returns), then end with the exec'd program's
 * exit status, the program named in the report as not checked.  Exits 3 to 5 if
 * something went wrong before the exec. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static int depth(int n)
{
    return n > 0 ? depth(n - 1) + 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    char *missing[] = {"/nonexistent/cetharness-test-program", NULL};
    execv(missing[0], missing);
    if (errno != ENOENT)
        return 3;
    if (depth(5) != 5)
        return 4;
    printf("exec %s\n", argv[1]);
    fflush(stdout);
    execv(argv[1], argv + 1);
    return 5;
}
