; RSTORSSP pointed at the live shadow-stack top, which holds a return address into _start, is a violation: a code address never passes the token check.
; expect: violation shstk at=bad_rstorssp reason=rstorssp-token
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU RDSSP yields 0 and the program exits 3.
%include "rt.inc"
global main, bad_rstorssp

main:
    READ_SSP rbx
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
