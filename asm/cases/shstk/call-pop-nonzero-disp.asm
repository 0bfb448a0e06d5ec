; A `call` over one byte followed by `pop` is pushed on the shadow stack (only displacement 0 is exempt), so the function's RET finds that stale entry: violation.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; Under plain QEMU the RET returns normally and main exits 99.
%include "rt.inc"
global main, get_pc, over, bad_ret

main:
    call get_pc
    mov eax, 99
    ret

get_pc:
    call over                   ; E8 01 00 00 00
    nop
over:
    pop rax
bad_ret:
    ret
