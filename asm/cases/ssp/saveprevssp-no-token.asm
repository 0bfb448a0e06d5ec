; SAVEPREVSSP without a preceding RSTORSSP finds a return address (bit 1 clear) instead of a previous-SSP token and raises #GP: SIGSEGV, not #CP.
; expect: crash signal=SEGV
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; The call is placed so that its return address is 8-aligned (bits 1:0 = 00).  Under plain QEMU SAVEPREVSSP is undefined: SIGILL.
%include "rt.inc"
global main, callee, bad_saveprevssp

main:
    align 8
    nop
    nop
    nop
    call callee                 ; 5 bytes: returns to an 8-aligned address
    ret

callee:
bad_saveprevssp:
    saveprevssp
    EXIT 99
