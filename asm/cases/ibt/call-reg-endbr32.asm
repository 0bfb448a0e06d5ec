; An indirect call to a function that begins with ENDBR32 is a violation, because ENDBR32 is a NOP in 64-bit mode and does not clear the tracker.
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
    endbr32
    mov eax, 99
    ret
