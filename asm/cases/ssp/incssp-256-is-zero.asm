; INCSSPQ uses only bits 7:0 of its count, so a count of 256 moves nothing and the following RET still matches: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect; QEMU 11 raises SIGILL for INCSSP)
; A model that used the whole register would discard 256 entries and fault at that RET.
%include "rt.inc"
global main, callee

main:
    call callee
    ret

callee:
    mov eax, 256
    incsspq rax
    xor eax, eax
    ret
