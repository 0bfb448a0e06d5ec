; Moving RSP to another buffer, making nested calls there and moving it back is clean: the shadow stack follows calls and returns, not RSP.
; expect: clean
%include "rt.inc"
global main, on_other_stack, leaf

section .bss
alignb 16
other_stack: resb 4096
other_top:

section .text
main:
    call on_other_stack
    sub eax, 42
    ret

on_other_stack:
    mov rdx, rsp
    lea rsp, [other_top]
    push rdx                    ; old RSP, on the new stack
    sub rsp, 8
    call leaf
    add rsp, 8
    pop rsp
    ret

leaf:
    mov eax, 42
    ret
