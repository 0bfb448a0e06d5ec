; HLT is privileged, so in user mode it raises #GP and Linux delivers SIGSEGV: crash, no violation.
; expect: crash signal=SEGV
%include "rt.inc"
global main, fault

main:
fault:
    hlt
    ret
