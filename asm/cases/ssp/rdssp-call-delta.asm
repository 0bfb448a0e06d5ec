; A near call moves the SSP down by exactly one 8-byte entry, so the SSP read in a callee is 8 below the caller's: main exits 8.
; expect: clean exit=8
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU both reads give 0 and the program exits 0.
%include "rt.inc"
global main, callee

main:
    xor r8d, r8d
    rdsspq r8
    call callee
    sub r8, rax
    mov eax, r8d
    ret

callee:
    xor eax, eax
    rdsspq rax
    ret
