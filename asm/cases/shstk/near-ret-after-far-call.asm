; A function entered by a far call that returns with a near RET is a violation, because the shadow-stack top is the far call's saved SSP, not a return address.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; needs: engine=rsp far transfers (QEMU's log does not show the code selector)
; Under plain QEMU the near RET returns to main with CS left on the stack and main exits 99.
%include "rt.inc"
global main, far_fn, bad_ret

section .data
fptr: dq far_fn
      dw USER_CS

section .text
main:
    call far [rel fptr]
    add rsp, 8                  ; the CS the near RET left behind
    mov eax, 99
    ret

far_fn:
    endbr64
bad_ret:
    ret
