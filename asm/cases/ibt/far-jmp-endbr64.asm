; A far jump through an m16:64 pointer (selector 0x33) to a label with ENDBR64 is allowed.
; expect: clean
%include "rt.inc"
global main, far_target

section .data
jptr: dq far_target
      dw USER_CS

section .text
main:
    jmp far [rel jptr]
    mov eax, 99
    ret

far_target:
    endbr64
    xor eax, eax
    ret
