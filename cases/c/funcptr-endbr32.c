// A C call through a function pointer to an assembly routine that starts with ENDBR32 (rt_endbr32) is an IBT violation, because ENDBR32 does not end a branch in 64-bit mode.
// expect: violation ibt at=call_it target=rt_endbr32
// Under plain QEMU the routine returns 99.
#include "cetrt.h"

__attribute__((noipa)) int call_it(int (*fn)(void)) { return fn() + 0; }

int main(void)
{
    return call_it(rt_endbr32);
}
