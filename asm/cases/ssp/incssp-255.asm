; INCSSPQ 255 discards 255 shadow entries at once (the most one instruction can move), which unwinds a 256-deep recursion back to its first frame: clean.
; expect: clean
; timeout: 30
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, top, dive, unwind

section .bss
ra_slot: resq 1                 ; where top's call to dive stored its return address

section .text
main:
    call top
    ret

top:
    lea rax, [rsp - 8]
    mov [ra_slot], rax
    mov edi, 255
    call dive                   ; pushes the entry the final RET must match
    xor eax, eax
    ret

; dive(n): n more nested calls, then unwind from the bottom
dive:
    test edi, edi
    jz unwind
    dec edi
    call dive
    mov eax, 99                 ; never reached: the unwind returns to top
    ret
unwind:
    mov rsp, [ra_slot]
    mov eax, 255
    incsspq rax                 ; drop the 255 entries pushed by dive's own calls
    ret
