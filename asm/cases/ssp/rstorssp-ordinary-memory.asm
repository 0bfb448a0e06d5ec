; RSTORSSP on a well-formed token in ordinary (non-shadow-stack) memory faults with #PF, because its token read is a shadow-stack access: SIGSEGV, not #CP.
; expect: crash signal=SEGV
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU RSTORSSP is undefined and the program dies with SIGILL.
%include "rt.inc"
global main, bad_rstorssp

section .bss
alignb 8
fake: resq 2

section .text
main:
    lea rbx, [fake]
    lea rcx, [rbx + 9]          ; (A + 8) | 1
    mov [rbx], rcx
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
