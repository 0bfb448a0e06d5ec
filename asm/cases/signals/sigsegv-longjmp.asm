; A SIGSEGV from a null load two calls deep is caught by a handler that leaves with the CET-aware longjmp: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, handler, f1, f2, after_setjmp

section .bss
env: resq 9

section .text
main:
    sub rsp, 8
    mov edi, SIGSEGV
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    lea rdi, [env]
    call setjmp
after_setjmp:
    endbr64
    test eax, eax
    jnz .back
    call f1
    mov eax, 99
    jmp .out
.back:
    sub eax, 11
.out:
    add rsp, 8
    ret

f1: call f2
    ret
f2: xor ecx, ecx
    mov eax, [rcx]
    ret

handler:
    endbr64
    sub rsp, 8
    lea rdi, [env]
    mov esi, 11
    call longjmp
