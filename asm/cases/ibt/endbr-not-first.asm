; An indirect call to a function whose ENDBR64 comes after a NOP is a violation, because the end-branch must be the first instruction at the target.
; expect: violation ibt at=bad_call target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_call, target

main:
    lea rax, [target]
bad_call:
    call rax
    ret

target:
    nop
    endbr64
    mov eax, 99
    ret
