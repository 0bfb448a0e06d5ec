; A far call (m16:64, selector 0x33) to a function that makes a near call and then returns with RETFQ is clean: RETFQ finds the CS, LIP and previous SSP the far call pushed.
; expect: clean
%include "rt.inc"
global main, far_fn, near_fn

section .data
fptr: dq far_fn
      dw USER_CS

section .text
main:
    call far [rel fptr]
    sub eax, 5
    ret

far_fn:
    endbr64
    call near_fn
    retfq

near_fn:
    mov eax, 5
    ret
