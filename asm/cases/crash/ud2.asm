; UD2 raises #UD, which Linux turns into SIGILL: crash, no violation.
; expect: crash signal=ILL
%include "rt.inc"
global main, fault

main:
fault:
    ud2
    ret
