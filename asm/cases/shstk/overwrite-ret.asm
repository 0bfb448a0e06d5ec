; A function that overwrites its own return address on the normal stack is stopped at its RET, which no longer matches the shadow stack.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; Under plain QEMU the return goes to `hijack`, which exits 99.
%include "rt.inc"
global main, victim, bad_ret, hijack

main:
    call victim
    xor eax, eax
    ret

victim:
    lea rax, [hijack]
    mov [rsp], rax
bad_ret:
    ret

hijack:
    EXIT 99
