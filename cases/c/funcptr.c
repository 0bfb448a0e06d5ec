// Calls through C function pointers to functions compiled with -fcf-protection=full land on the ENDBR64 GCC puts at their entry: clean.
// expect: clean
#include "cetrt.h"

typedef int (*binop)(int, int);

int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }
int sub(int a, int b) { return a - b; }

static binop volatile ops[] = { add, mul, sub };

int main(void)
{
    int acc = 1;
    for (int i = 0; i < 9; i++)
        acc = ops[i % 3](acc, i + 1);
    // (((1+1)*2-3+4)*5-6+7)*8-9 = 199
    return acc == 199 ? 0 : 1;
}
