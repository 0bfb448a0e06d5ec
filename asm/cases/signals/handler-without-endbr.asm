; A signal handler without ENDBR64 is clean: the kernel enters it by event return, not by a tracked indirect branch, so the user IBT tracker is not armed.
; expect: clean
%include "rt.inc"
global main, handler

section .bss
hits: resd 1

section .text
main:
    sub rsp, 8
    mov edi, SIGUSR1
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    mov edi, SIGUSR1
    call raise_signal
    mov eax, [hits]
    dec eax
    add rsp, 8
    ret

handler:
    inc dword [hits]
    ret
