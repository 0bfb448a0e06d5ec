; With the shadow stack off RDSSP yields 0, so the CET-aware longjmp skips INCSSPQ (which would be #UD) and the 3-frame longjmp still works: clean.
; options: --shstk=off
; expect: clean
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
