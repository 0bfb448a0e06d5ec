; A far call through an m16:64 pointer (selector 0x33) to a function with ENDBR64 that returns with RETFQ is allowed.
; expect: clean
%include "rt.inc"
global main, far_target

section .data
fptr: dq far_target
      dw USER_CS

section .text
main:
    call far [rel fptr]
    ret

far_target:
    endbr64
    xor eax, eax
    retfq
