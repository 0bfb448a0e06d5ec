; An integer division by zero raises #DE, delivered as SIGFPE: crash, no violation.
; expect: crash signal=FPE
%include "rt.inc"
global main, fault

main:
    mov eax, 1
    xor edx, edx
    xor ecx, ecx
fault:
    div ecx
    ret
