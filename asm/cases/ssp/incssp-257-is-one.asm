; INCSSPQ with a count of 257 discards one entry (bits 7:0 = 1), which together with `add rsp, 8` returns straight to the caller's caller: clean.
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
    mov eax, 257
    incsspq rax
    add rsp, 8
    xor eax, eax
    ret
