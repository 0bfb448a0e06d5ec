; WRUSSQ is a supervisor-only instruction, so executing it in user mode raises #GP: SIGSEGV.
; expect: crash signal=SEGV
; Under plain QEMU WRUSS is undefined: SIGILL.
%include "rt.inc"
global main, bad_wruss

section .bss
alignb 8
plain: resq 1

section .text
main:
    lea rdx, [plain]
    xor eax, eax
bad_wruss:
    wrussq [rdx], rax
    EXIT 99
