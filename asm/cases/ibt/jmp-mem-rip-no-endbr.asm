; An indirect jump through a RIP-relative memory operand to a label without ENDBR64 is a violation.
; expect: violation ibt at=bad_jmp target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_jmp, target

section .data
jptr: dq target

section .text
main:
bad_jmp:
    jmp [rel jptr]

target:
    mov eax, 99
    ret
