; A SIGUSR1 handler that returns normally pops the restorer entry the kernel pushed with the signal frame, and rt_sigreturn removes the frame token: clean.
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
    dec eax                     ; 0 when the handler ran once
    add rsp, 8
    ret

handler:
    endbr64
    inc dword [hits]
    ret
