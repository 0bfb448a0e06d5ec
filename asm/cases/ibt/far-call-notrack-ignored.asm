; A far call carrying a 3E (NOTRACK) prefix to a target without ENDBR64 is still a violation, because NOTRACK applies only to near indirect CALL/JMP.
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
    NOTRACK
    call far [rel fptr]
    ret

far_target:
    mov eax, 99
    retfq
