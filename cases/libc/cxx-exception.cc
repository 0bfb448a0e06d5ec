// A C++ exception thrown several frames deep is caught after libgcc's unwinder has dropped the unwound frames from the shadow stack with RDSSP and INCSSP (CET.md 4.5), so every return after the catch still matches and the run is clean; IBT is off because this distribution's libstdc++ and glibc are not CET-built.
// options: --ibt=off
// expect: clean exit=0
// timeout: 120
// needs: engine=rsp libgcc's unwinder, which reads the shadow stack with RDSSP
// Exits 1 if an exception was not caught where it should be.  Dynamically linked: the
// loader and libstdc++'s start-up make it the slowest case (about 30 000 stops).
#include <cstdio>
#include <stdexcept>

__attribute__((noinline)) static int deep(int n)
{
    if (n == 0)
        throw std::runtime_error("unwound");
    return deep(n - 1) + 1;
}

int main()
{
    int caught = 0;
    for (int depth = 3; depth < 9; depth++) {
        try {
            deep(depth);
        } catch (const std::exception &) {
            caught++;
        }
    }
    std::printf("caught %d of 6\n", caught);
    return caught == 6 ? 0 : 1;
}
