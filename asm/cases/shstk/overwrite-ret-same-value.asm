; Rewriting the return address with the value it already holds is allowed, because RET compares values, not whether the slot was written.
; expect: clean
%include "rt.inc"
global main, victim, back

main:
    call victim
back:
    ret

victim:
    lea rax, [back]
    mov [rsp], rax
    xor eax, eax
    ret
