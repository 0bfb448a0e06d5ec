; With the shadow stack on, `xor eax, eax; rdsspq rax` yields the non-zero SSP, so main exits 42.
; expect: clean exit=42
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU RDSSP is a NOP and the program exits 7.
%include "rt.inc"
global main

main:
    xor eax, eax
    rdsspq rax
    test rax, rax
    mov eax, 7
    mov edx, 42
    cmovnz eax, edx
    ret
