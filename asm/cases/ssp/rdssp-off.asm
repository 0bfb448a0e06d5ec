; With the shadow stack off RDSSP is a NOP, so the zeroed register stays 0 and main exits 7.
; options: --shstk=off
; expect: clean exit=7
%include "rt.inc"
global main

main:
    xor eax, eax
    rdsspq rax
    test rax, rax
    mov eax, 7
    mov edx, 42
    cmovnz eax, edx
    ret
