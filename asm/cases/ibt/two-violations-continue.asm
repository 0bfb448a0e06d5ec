; With --on-violation=continue both indirect calls to targets without ENDBR64 are reported, in program order.
; options: --on-violation=continue
; expect: violation ibt at=bad_call1 target=target1
; expect: violation ibt at=bad_call2 target=target2
; Both targets still run; under plain QEMU the program exits 3.
%include "rt.inc"
global main, bad_call1, bad_call2, target1, target2

main:
    push rbx
    xor ebx, ebx
    lea rax, [target1]
bad_call1:
    call rax
    lea rax, [target2]
bad_call2:
    call rax
    mov eax, ebx
    pop rbx
    ret

target1:
    add ebx, 1
    ret
target2:
    add ebx, 2
    ret
