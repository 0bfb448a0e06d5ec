; A NOTRACK (3E) indirect jump through memory to a label without ENDBR64 is allowed.
; expect: clean
%include "rt.inc"
global main, target

section .data
jptr: dq target

section .text
main:
    NOTRACK
    jmp [rel jptr]

target:
    xor eax, eax
    ret
