// setjmp/longjmp from the runtime used from C: longjmp drops the shadow entries of three frames with INCSSPQ and lands on the ENDBR64 GCC puts after the setjmp call: clean.
// expect: clean
// needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
#include "cetrt.h"

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
    return r == 7 ? 0 : 1;
}
