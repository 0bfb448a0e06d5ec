; INCSSPQ with a count of 0 reads the shadow-stack top but moves nothing, so the following RET matches: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect; QEMU 11 raises SIGILL for INCSSP)
%include "rt.inc"
global main, callee

main:
    call callee
    ret

callee:
    xor eax, eax
    incsspq rax
    ret
