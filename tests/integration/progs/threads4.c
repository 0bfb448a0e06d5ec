/* Four glibc threads computing at once, each checking its own result.  With the argument
 * "smash", the third thread says its thread id on stderr ("threads4: smash in tid N") and
 * overwrites its return address in smash(), whose RET goes to landing(): a shadow-stack
 * violation in that thread, which then exits the program 7. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int smash_wanted;

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void landing(void)
{
    _exit(7);
}

__attribute__((noinline)) static void smash(void)
{
    void *volatile *frame = __builtin_frame_address(0);
    frame[1] = (void *)landing;    /* the return address, above the saved rbp */
}

static void *worker(void *arg)
{
    long k = (long)arg, sum = 0;
    for (int i = 0; i < 30; i++)
        sum += fib(12);
    if (smash_wanted && k == 2) {
        fprintf(stderr, "threads4: smash in tid %ld\n", (long)syscall(SYS_gettid));
        smash();
    }
    return (void *)(sum == 30 * 144 ? 0L : 1L);
}

int main(int argc, char **argv)
{
    smash_wanted = argc > 1 && strcmp(argv[1], "smash") == 0;
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
            return 2;
    long bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    return bad ? 1 : 0;
}
