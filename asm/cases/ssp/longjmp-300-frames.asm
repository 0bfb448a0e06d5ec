; A CET-aware longjmp out of a 300-deep recursion needs 301 entries discarded, more than one INCSSPQ can move, so longjmp loops in chunks of 255: clean.
; expect: clean
; timeout: 30
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, dive, after_setjmp

section .bss
env: resq 9

section .text
main:
    lea rdi, [env]
    call setjmp
after_setjmp:
    endbr64
    test eax, eax
    jnz .back
    mov edi, 300
    call dive
    mov eax, 99
    ret
.back:
    sub eax, 7
    ret

dive:
    test edi, edi
    jz .bottom
    dec edi
    call dive
    ret
.bottom:
    lea rdi, [env]
    mov esi, 7
    call longjmp
    ret
