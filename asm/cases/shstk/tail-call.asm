; Direct and indirect tail calls (a JMP to a function that then returns for its caller) keep the shadow stack balanced: clean.
; expect: clean
%include "rt.inc"
global main, direct_tail, indirect_tail, leaf

main:
    call direct_tail
    mov ebx, eax
    call indirect_tail
    add eax, ebx
    sub eax, 14                 ; 7 + 7
    ret

direct_tail:
    jmp leaf

indirect_tail:
    lea rax, [leaf]
    jmp rax

leaf:
    endbr64
    mov eax, 7
    ret
