; At depth 500 of a recursion the return address of level 250 is overwritten, and the unwinding RET of that frame is a violation after 250 matching RETs.
; expect: violation shstk at=rec_ret reason=ret-mismatch
; timeout: 30
; Under plain QEMU the corrupted return reaches `hijack`, which exits 99.
%include "rt.inc"
global main, recurse, rec_ret, hijack

section .bss
slot250: resq 1                 ; address of level 250's return-address slot

section .text
main:
    mov edi, 500
    call recurse
    xor eax, eax
    ret

; void recurse(int n): remembers the RA slot at n == 250, corrupts it at n == 0
recurse:
    cmp edi, 250
    jne .not_mid
    mov [slot250], rsp
.not_mid:
    test edi, edi
    jz .bottom
    dec edi
    call recurse
    jmp rec_ret
.bottom:
    mov rdx, [slot250]
    lea rax, [hijack]
    mov [rdx], rax
rec_ret:
    ret

hijack:
    EXIT 99
