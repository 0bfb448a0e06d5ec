; RET imm16 that pops its two stack arguments still matches the shadow stack, because imm16 only moves RSP while SSP advances by 8.
; expect: clean
%include "rt.inc"
global main, sub2

main:
    push 30
    push 12
    call sub2                   ; callee pops the arguments
    sub eax, 18                 ; 30 - 12
    ret

sub2:
    mov rax, [rsp + 16]
    sub rax, [rsp + 8]
    ret 16
