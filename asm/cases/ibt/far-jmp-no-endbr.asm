; A far jump through an m16:64 pointer to a label without ENDBR64 is a violation, because far transfers are always tracked.
; expect: violation ibt at=bad_far_jmp target=far_target
; needs: engine=rsp far transfers (QEMU's log does not show the code selector)
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_far_jmp, far_target

section .data
jptr: dq far_target
      dw USER_CS

section .text
main:
bad_far_jmp:
    jmp far [rel jptr]

far_target:
    mov eax, 99
    ret
