; A PLT-style stub that jumps through a GOT-style pointer slot to a function without ENDBR64 is a violation at the stub's jump.
; expect: violation ibt at=plt_jmp target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, plt_stub, plt_jmp, target

section .data
got_slot: dq target

section .text
main:
    call plt_stub
    ret

plt_stub:
plt_jmp:
    jmp [rel got_slot]

target:
    mov eax, 99
    ret
