; An indirect jump through a register to a label that begins with ENDBR64 is allowed.
; expect: clean
%include "rt.inc"
global main, target

main:
    lea rax, [target]
    jmp rax
    mov eax, 99
    ret

target:
    endbr64
    xor eax, eax
    ret
