; RSTORSSP with the shadow stack off is #UD (checked before anything is read): SIGILL.
; options: --shstk=off
; expect: crash signal=ILL
%include "rt.inc"
global main, bad_rstorssp

section .bss
alignb 8
fake: resq 2

section .text
main:
    lea rbx, [fake]
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
