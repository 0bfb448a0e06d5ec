// Under Linux (--shstk=linux) glibc 2.36, which is not CET-built, never asks for the shadow stack, so its longjmp out of three frames is harmless and main returns 0: clean.
// options: --ibt=off --shstk=linux
// expect: clean
// The same program with the shadow stack on from its first instruction is libc/glibc-longjmp.
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
