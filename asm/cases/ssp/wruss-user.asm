; WRUSSQ is a supervisor-only instruction, so executing it in user mode raises #GP: SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
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
