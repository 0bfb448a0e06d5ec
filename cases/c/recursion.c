// Recursive C functions (Ackermann(2, 60), about 7 700 calls, nesting up to 120 deep) return through matching shadow entries: clean.
// expect: clean
// timeout: 120
#include "cetrt.h"

__attribute__((noipa)) unsigned long ack(unsigned long m, unsigned long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(void)
{
    return ack(2, 60) == 123 ? 0 : 1;
}
