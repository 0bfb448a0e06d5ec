; A load from address 0 ends the program with SIGSEGV and involves no CET rule: crash, no violation.
; expect: crash signal=SEGV
%include "rt.inc"
global main, fault

main:
    xor ecx, ecx
fault:
    mov eax, [rcx]
    ret
