// A stack buffer overflow in vulnerable() overwrites its return address with the address of win(), and vulnerable's RET no longer matches the shadow stack: violation inside vulnerable.
// expect: violation shstk at=vulnerable reason=ret-mismatch
// Under plain QEMU the RET reaches win(), which exits 99.
#include "cetrt.h"

__attribute__((noipa, noreturn)) void win(void) { sys_exit_group(99); }

__attribute__((noipa)) int vulnerable(const unsigned long *src, int n)
{
    unsigned long buf[2];
    volatile unsigned long *p = buf;
    for (int i = 0; i < n; i++)
        p[i] = src[i];              // writes past buf[1] when n > 2
    return (int)p[0];
}

int main(void)
{
    unsigned long payload[8];
    for (int i = 0; i < 8; i++)
        payload[i] = (unsigned long)win;
    vulnerable(payload, 8);
    return 0;
}
