; A signal raised five calls deep is handled on top of those frames, and after the handler returns all five RETs still match: clean.
; expect: clean
%include "rt.inc"
global main, handler, nest

section .bss
hits: resd 1

section .text
main:
    sub rsp, 8
    mov edi, SIGUSR1
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    mov edi, 5
    call nest
    sub eax, 5
    add rsp, 8
    ret

; int nest(int n): raise at the bottom, count levels on the way back
nest:
    test edi, edi
    jz .bottom
    dec edi
    call nest
    inc eax
    ret
.bottom:
    sub rsp, 8
    mov edi, SIGUSR1
    call raise_signal
    add rsp, 8
    mov eax, [hits]
    dec eax
    ret

handler:
    endbr64
    inc dword [hits]
    ret
