; A branch into the middle of `mov eax, 0xfa1e0ff3` lands on the bytes F3 0F 1E FA, which decode as ENDBR64, so IBT accepts it (the reason compilers avoid emitting that constant).
; expect: clean
%include "rt.inc"
global main, gadget, gadget_endbr

main:
    lea rax, [gadget + 1]
    call rax
    ret

gadget:
    mov eax, 0xfa1e0ff3         ; B8 F3 0F 1E FA
    ; entered at gadget+1: ENDBR64, then the code below
    xor eax, eax
    ret
gadget_endbr equ gadget + 1
