; main returns 42 and _start passes it to exit_group: a clean exit with status 42.
; expect: clean exit=42
%include "rt.inc"
global main

main:
    mov eax, 42
    ret
