; INCSSPQ with the shadow stack off is #UD: SIGILL.
; options: --shstk=off
; expect: crash signal=ILL
; needs: engine=rsp a fault the guest must take (the trace engine does not stop the guest to deliver it)
; Under plain QEMU INCSSPQ decodes as a fence-like NOP and main returns 0.
%include "rt.inc"
global main, bad_incssp

main:
    mov eax, 1
bad_incssp:
    incsspq rax
    xor eax, eax
    ret
