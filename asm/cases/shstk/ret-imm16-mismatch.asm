; RET imm16 whose return address was overwritten is a violation: the popped address is compared with the shadow stack before imm16 is applied.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; Under plain QEMU the hijacked return reaches `hijack`, which exits 99.
%include "rt.inc"
global main, callee, bad_ret, hijack

main:
    push 1
    push 2
    call callee
    xor eax, eax
    ret

callee:
    lea rax, [hijack]
    mov [rsp], rax
bad_ret:
    ret 16

hijack:
    EXIT 99
