; RDSSPD returns the low 32 bits of the SSP zero-extended, so it equals the low half of RDSSPQ's result: main exits 42.
; expect: clean exit=42
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU both are NOPs on zeroed registers and the program exits 7.
%include "rt.inc"
global main

main:
    xor eax, eax
    xor ecx, ecx
    not rcx                     ; RDSSPD must clear bits 63:32
    rdsspq rax
    rdsspd ecx
    mov edx, 7
    test rax, rax
    jz .out
    mov r8d, eax                ; low half of the 64-bit SSP
    cmp rcx, r8
    jne .out
    mov edx, 42
.out:
    mov eax, edx
    ret
