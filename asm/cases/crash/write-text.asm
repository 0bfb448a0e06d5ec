; A store into the read-only text segment ends the program with SIGSEGV: crash, no violation.
; expect: crash signal=SEGV
%include "rt.inc"
global main, fault

main:
    lea rax, [main]
fault:
    mov byte [rax], 0xc3
    xor eax, eax
    ret
