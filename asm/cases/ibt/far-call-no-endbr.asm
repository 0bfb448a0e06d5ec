; A far call through an m16:64 pointer to a function without ENDBR64 is a violation, because far transfers always arm the tracker.
; expect: violation ibt at=bad_far_call target=far_target
; needs: engine=rsp far transfers (QEMU's log does not show the code selector)
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_far_call, far_target

section .data
fptr: dq far_target
      dw USER_CS

section .text
main:
bad_far_call:
    call far [rel fptr]
    ret

far_target:
    mov eax, 99
    retfq
