// A C call through a function pointer to an assembly routine without ENDBR64 (rt_no_endbr in the runtime) is an IBT violation at the call inside call_it.
// expect: violation ibt at=call_it target=rt_no_endbr
// Under plain QEMU the routine returns 99.
#include "cetrt.h"

__attribute__((noipa)) int call_it(int (*fn)(void)) { return fn() + 0; }

int main(void)
{
    return call_it(rt_no_endbr);
}
