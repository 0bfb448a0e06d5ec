; An indirect call through a RIP-relative memory operand to a function with ENDBR64 is allowed.
; expect: clean
%include "rt.inc"
global main, target

section .data
fptr: dq target

section .text
main:
    call [rel fptr]
    ret

target:
    endbr64
    xor eax, eax
    ret
