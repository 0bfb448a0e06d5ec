; A signal handler that leaves with the CET-aware longjmp discards the handler's entries and the kernel's two signal-frame slots together with INCSSPQ: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, handler, after_setjmp

section .bss
env: resq 9

section .text
main:
    sub rsp, 8
    mov edi, SIGUSR1
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    lea rdi, [env]
    call setjmp
after_setjmp:
    endbr64
    test eax, eax
    jnz .back
    mov edi, SIGUSR1
    call raise_signal
    mov eax, 99                 ; the handler never returns
    jmp .out
.back:
    sub eax, 9
.out:
    add rsp, 8
    ret

handler:
    endbr64
    sub rsp, 8
    lea rdi, [env]
    mov esi, 9
    call longjmp
