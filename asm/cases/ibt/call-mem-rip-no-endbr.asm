; An indirect call through a RIP-relative memory operand to a function without ENDBR64 is a violation: the memory form loads the target and then tracks it like the register form.
; expect: violation ibt at=bad_call target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_call, target

section .data
fptr: dq target

section .text
main:
bad_call:
    call [rel fptr]
    ret

target:
    mov eax, 99
    ret
