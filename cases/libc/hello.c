// A hello world linked statically against the system glibc runs with every call and return matched on the shadow stack; IBT is off because this glibc is not CET-built (its indirect branch targets lack ENDBR64).
// options: --ibt=off
// expect: clean
#include <stdio.h>

int main(void)
{
    puts("hello from glibc");
    return 0;
}
