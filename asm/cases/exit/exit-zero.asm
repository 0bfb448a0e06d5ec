; main returns 0 and _start passes it to exit_group: a clean exit with status 0.
; expect: clean
%include "rt.inc"
global main

main:
    xor eax, eax
    ret
