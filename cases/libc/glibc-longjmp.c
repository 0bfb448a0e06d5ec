// glibc 2.36's longjmp (not CET-built) restores RSP but not the SSP, so after jumping out of three frames main's own RET pops a stale shadow entry: violation inside main.
// options: --ibt=off --shstk=on
// expect: violation shstk at=main reason=ret-mismatch
// The shadow stack is on from the first instruction (--shstk=on): this glibc never enables it, so under --shstk=linux the program runs without one (libc/glibc-longjmp-linux).
// Under plain QEMU main returns 0.
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;

__attribute__((noipa)) void f3(int v) { longjmp(env, v); }
__attribute__((noipa)) void f2(int v) { f3(v + 1); }
__attribute__((noipa)) void f1(int v) { f2(v + 1); }

int main(void)
{
    int r = setjmp(env);
    if (r == 0) {
        f1(5);
        return 99;
    }
    printf("longjmp returned %d\n", r);
    return r - 7;
}
