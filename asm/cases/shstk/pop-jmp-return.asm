; A callee that returns with `pop rcx; jmp rcx` leaves its entry on the shadow stack, so the caller's own later RET pops that stale entry: violation at the caller's RET.
; expect: violation shstk at=main_ret reason=ret-mismatch
; The return site begins with ENDBR64 so the tracked `jmp rcx` itself satisfies IBT.  Under plain QEMU main returns 99.
%include "rt.inc"
global main, main_ret, jumper

main:
    call jumper
    endbr64
    mov eax, 99
main_ret:
    ret

jumper:
    pop rcx
    jmp rcx
