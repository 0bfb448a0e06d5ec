// With IBT on, a static glibc program is stopped before main: Debian's glibc 2.36 is not CET-built, so the switch table in its cache-info set-up (handle_amd, chosen because QEMU's default CPU reports AuthenticAMD) is a tracked `jmp *%rax` to a case label without ENDBR64.
// expect: violation ibt at=handle_amd
// This depends on the system glibc and on the emulated CPU vendor; under plain QEMU the program prints and exits 0.
#include <stdio.h>

int main(void)
{
    puts("never reached under IBT");
    return 0;
}
