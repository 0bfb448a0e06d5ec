; A SIGUSR1 handler that raises SIGUSR2 gets a second signal frame on top of the first; both handlers return through their own restorer entries: clean.
; expect: clean
%include "rt.inc"
global main, handler1, handler2

section .bss
order: resd 1

section .text
main:
    sub rsp, 8
    mov edi, SIGUSR1
    lea rsi, [handler1]
    xor edx, edx
    call rt_signal
    mov edi, SIGUSR2
    lea rsi, [handler2]
    xor edx, edx
    call rt_signal
    mov edi, SIGUSR1
    call raise_signal
    mov eax, [order]
    sub eax, 21                 ; handler2 (digit 2) ran inside handler1 (digit 1)
    add rsp, 8
    ret

handler1:
    endbr64
    sub rsp, 8
    mov edi, SIGUSR2
    call raise_signal
    imul eax, [order], 10
    add eax, 1
    mov [order], eax
    add rsp, 8
    ret

handler2:
    endbr64
    mov dword [order], 2
    ret
