; A callee that pops its own shadow entry with INCSSPQ 1 but then returns normally is a violation: its RET now meets the caller's entry.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU INCSSPQ is a NOP, the returns are normal and main exits 99.
%include "rt.inc"
global main, outer, inner, bad_ret

main:
    call outer
    ret

outer:
    call inner
    mov eax, 99
    ret

inner:
    mov eax, 1
    incsspq rax
bad_ret:
    ret
