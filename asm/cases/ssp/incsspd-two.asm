; INCSSPD counts 4-byte units, so INCSSPD 2 discards one 8-byte entry and the `add rsp, 8` return to the caller's caller is clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, outer, inner

main:
    call outer
    ret

outer:
    call inner
    mov eax, 99
    ret

inner:
    mov eax, 2
    incsspd eax
    add rsp, 8
    xor eax, eax
    ret
