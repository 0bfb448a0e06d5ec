// A dense switch statement compiles to a jump table dispatched with `notrack jmp`, so its case labels need no ENDBR64: clean.
// expect: clean
#include "cetrt.h"

__attribute__((noipa)) int classify(int v)
{
    switch (v) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 37;
    case 3: return 41;
    case 4: return 59;
    case 5: return 61;
    case 6: return 79;
    case 7: return 83;
    default: return 0;
    }
}

int main(void)
{
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += classify(i);
    return sum == 394 ? 0 : 1;
}
