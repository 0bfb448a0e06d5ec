; A callee that drops its own shadow entry with INCSSPQ 1 and its normal return address with `add rsp, 8` returns straight to its caller's caller: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, outer, inner

main:
    call outer
    ret                         ; eax is 0 from inner

outer:
    call inner
    mov eax, 99                 ; skipped
    ret

inner:
    mov eax, 1
    incsspq rax
    add rsp, 8
    xor eax, eax
    ret
