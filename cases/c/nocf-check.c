// A function pointer typed nocf_check is called with `notrack call`, so its nocf_check target (compiled without ENDBR64) is reached cleanly.
// expect: clean
#include "cetrt.h"

__attribute__((nocf_check, noipa)) int plain(int x) { return x * 3; }

typedef int (*untracked_fn)(int) __attribute__((nocf_check));
static untracked_fn volatile fp = plain;

int main(void)
{
    return fp(7) == 21 ? 0 : 1;
}
