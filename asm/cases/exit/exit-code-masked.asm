; exit_group(300) is seen as status 44, because only the low 8 bits of the code reach the parent.
; expect: clean exit=44
%include "rt.inc"
global main

main:
    EXIT 300
