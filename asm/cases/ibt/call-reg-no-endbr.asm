; An indirect call through a register to a function without ENDBR64 raises #CP(ENDBRANCH), because the tracker is armed and the target is not an end-branch.
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
    mov eax, 99
    ret
