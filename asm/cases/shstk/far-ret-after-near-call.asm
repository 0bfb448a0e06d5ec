; A RETFQ that returns from a near call (the callee builds the CS:RIP pair itself) is a violation: the shadow stack holds return addresses, not the CS/LIP/SSP triple a far call leaves.
; expect: violation shstk at=bad_retf reason=far-ret-mismatch
; needs: engine=rsp far transfers (QEMU's log does not show the code selector)
; main -> mid -> fake_far keeps three entries on the shadow stack so every slot RETFQ reads exists.  Under plain QEMU the RETFQ returns to mid and main exits 99.
%include "rt.inc"
global main, mid, fake_far, bad_retf

main:
    call mid
    ret

mid:
    call fake_far
    mov eax, 99
    ret

fake_far:
    pop rax                     ; near return address
    push USER_CS
    push rax
bad_retf:
    retfq
