; A RETFQ whose return RIP was overwritten on the normal stack is a violation (#CP FAR-RET), because the LIP saved on the shadow stack by the far call differs.
; expect: violation shstk at=bad_retf reason=far-ret-mismatch
; needs: engine=rsp far transfers (QEMU's log does not show the code selector)
; Under plain QEMU the RETFQ reaches `hijack`, which exits 99.
%include "rt.inc"
global main, far_fn, bad_retf, hijack

section .data
fptr: dq far_fn
      dw USER_CS

section .text
main:
    call far [rel fptr]
    xor eax, eax
    ret

far_fn:
    endbr64
    lea rax, [hijack]
    mov [rsp], rax
bad_retf:
    retfq

hijack:
    EXIT 99
