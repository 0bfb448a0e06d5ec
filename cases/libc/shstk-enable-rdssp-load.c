// A static glibc program that turns the shadow stack on itself (an inline arch_prctl syscall in main, as glibc's own start-up does) and then, in a called function, loads the word at the address RDSSP gives: it is that function's return address, __builtin_return_address(0): exit 0.
// options: --shstk=linux --ibt=off
// expect: clean
// needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
// Under --shstk=linux the shadow stack starts off, as Linux starts every program, and follows the program's arch_prctl.
// The enabling syscall is inline: a call to syscall() would return through the new, empty shadow stack (a #PF, SIGSEGV).
// For the same reason main never returns (its return address is not on the new shadow stack): it ends with exit().
// IBT is off because this glibc (Debian 12's 2.36) is not CET-built, and Linux has no user IBT anyway.
// Exit 4: the loaded word is not the return address; 5: RDSSP read 0 although arch_prctl succeeded.
// Under plain QEMU arch_prctl fails (EINVAL) and the program exits 3.
#include <stdio.h>
#include <stdlib.h>

#define ARCH_SHSTK_ENABLE 0x5001
#define ARCH_SHSTK_SHSTK 1

__attribute__((noinline, noipa)) static int check_top_entry(void)
{
    unsigned long ssp = 0;
    __asm__ volatile("rdsspq %0" : "+r"(ssp));
    if (ssp == 0) {
        printf("RDSSP read 0\n");
        return 5;
    }
    unsigned long word = *(volatile unsigned long *)ssp;
    unsigned long ra = (unsigned long)__builtin_return_address(0);
    printf("ssp %#lx holds %#lx, return address %#lx\n", ssp, word, ra);
    return word == ra ? 0 : 4;
}

int main(void)
{
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "0"(158L /* arch_prctl */), "D"((long)ARCH_SHSTK_ENABLE),
                       "S"((long)ARCH_SHSTK_SHSTK)
                     : "rcx", "r11", "memory");
    if (r != 0) {
        printf("arch_prctl(ARCH_SHSTK_ENABLE) failed: %ld\n", r);
        exit(3);
    }
    exit(check_top_entry());
}
