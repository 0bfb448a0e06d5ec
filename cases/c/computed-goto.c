// A computed goto (`goto *label_address`) is a tracked indirect jump, and GCC puts ENDBR64 on every label whose address is taken: clean.
// expect: clean
#include "cetrt.h"

__attribute__((noipa)) int run(const unsigned char *prog)
{
    static void *const ops[] = { &&op_inc, &&op_dbl, &&op_end };
    int acc = 0;
    goto *ops[*prog++];
op_inc:
    acc += 1;
    goto *ops[*prog++];
op_dbl:
    acc *= 2;
    goto *ops[*prog++];
op_end:
    return acc;
}

int main(void)
{
    static const unsigned char prog[] = { 0, 0, 1, 0, 1, 1, 2 };  // ((2*2)+1)*4 = 20
    return run(prog) == 20 ? 0 : 1;
}
