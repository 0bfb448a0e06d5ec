; WRSSQ without arch_prctl(ARCH_SHSTK_ENABLE, ARCH_SHSTK_WRSS) is #UD (WR_SHSTK_EN is clear): SIGILL.
; expect: crash signal=ILL
; Under plain QEMU WRSS is undefined as well: SIGILL.
%include "rt.inc"
global main, bad_wrss

main:
    xor edx, edx
    rdsspq rdx
    lea rax, [main]
bad_wrss:
    wrssq [rdx], rax
    EXIT 99
