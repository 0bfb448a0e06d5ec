; A NOTRACK jump into a non-executable data page faults on instruction fetch: SIGSEGV, and NOTRACK keeps IBT out of it.
; expect: crash signal=SEGV
%include "rt.inc"
global main, fault, not_code

section .data
not_code: db 0xc3               ; a RET, but in a non-executable page

section .text
main:
    lea rax, [not_code]
fault:
    NOTRACK
    jmp rax
