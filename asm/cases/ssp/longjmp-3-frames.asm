; The runtime's CET-aware longjmp from three calls deep discards those frames' shadow entries (and its own) with INCSSPQ and lands on the ENDBR64 after the setjmp call, so main's RET matches: clean.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
%include "rt.inc"
global main, f1, f2, f3, after_setjmp

section .bss
env: resq 9

section .text
main:
    lea rdi, [env]
    call setjmp
after_setjmp:
    endbr64                     ; longjmp arrives here with a tracked JMP
    test eax, eax
    jnz .back
    call f1
    mov eax, 99                 ; not reached
    ret
.back:
    sub eax, 5                  ; longjmp's value
    ret

f1: call f2
    ret
f2: call f3
    ret
f3: lea rdi, [env]
    mov esi, 5
    call longjmp
    ret
