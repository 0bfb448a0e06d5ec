; A SIGSEGV handler that advances the saved RIP past a faulting null load and returns resumes the program: no violation, exit 0.
; expect: clean
%include "rt.inc"
global main, handler, fault

section .bss
hits: resd 1

section .text
main:
    sub rsp, 8
    mov edi, SIGSEGV
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    xor ecx, ecx
fault:
    mov eax, [rcx]              ; 8B 01: two bytes
    mov eax, [hits]
    dec eax
    add rsp, 8
    ret

handler:
    endbr64
    inc dword [hits]
    add qword [rdx + UC_RIP], 2
    ret
