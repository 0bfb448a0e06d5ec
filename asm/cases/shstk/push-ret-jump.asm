; Using `push addr; ret` as a jump is a violation, because the RET pops the caller's shadow entry and compares it with the pushed address.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; Under plain QEMU the RET reaches `landing`, which exits 99.
%include "rt.inc"
global main, bad_ret, landing

main:
    lea rax, [landing]
    push rax
bad_ret:
    ret

landing:
    EXIT 99
