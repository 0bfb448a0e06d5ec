; An indirect jump to a label that begins with ENDBR32 is a violation, because only ENDBR64 ends a tracked branch in 64-bit mode.
; expect: violation ibt at=bad_jmp target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_jmp, target

main:
    lea rax, [target]
bad_jmp:
    jmp rax

target:
    endbr32
    mov eax, 99
    ret
