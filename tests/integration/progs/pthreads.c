/* Three glibc threads computing at the same time as main: their calls and returns
 * stop QEMU concurrently, which QEMU's user-mode gdbstub cannot serve.  Exits 0 when
 * every thread got the right sum. */
#include <pthread.h>
#include <stdio.h>

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void *worker(void *arg)
{
    long k = (long)arg, sum = 0;
    for (int i = 0; i < 20; i++)
        sum += fib(10 + (int)k);
    return (void *)sum;
}

int main(void)
{
    static const long expected[3] = {20 * 55, 20 * 89, 20 * 144};
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
            return 2;
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad |= (long)r != expected[i];
    }
    puts(bad ? "wrong sums" : "threads done");
    return bad;
}
