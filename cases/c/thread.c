// A C thread created with the runtime's clone wrapper runs a recursive function on its own shadow stack while main waits: clean.
// expect: clean
#include "cetrt.h"

static int tid;
static volatile int result;

__attribute__((noipa)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int worker(void *arg)
{
    result = fib(*(int *)arg);
    return 0;
}

int main(void)
{
    static int n = 15;
    if (thread_create(worker, &n, &tid) < 0)
        return 4;
    thread_join(&tid);
    return result == 610 ? 0 : 1;
}
