// A C signal handler for SIGUSR1 that calls other functions and returns through the restorer entry is clean.
// expect: clean
#include "cetrt.h"

static volatile int hits;

__attribute__((noipa)) int bump(int v) { return v + 1; }

void on_usr1(int sig, void *info, void *uc)
{
    (void)info;
    (void)uc;
    if (sig == SIGUSR1)
        hits = bump(hits);
}

int main(void)
{
    rt_signal(SIGUSR1, on_usr1, 0);
    raise_signal(SIGUSR1);
    raise_signal(SIGUSR1);
    return hits == 2 ? 0 : 1;
}
