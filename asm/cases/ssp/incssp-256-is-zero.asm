; INCSSPQ uses only bits 7:0 of its count, so a count of 256 moves nothing and the following RET still matches: clean.
; expect: clean
; A model that used the whole register would discard 256 entries and fault at that RET.
%include "rt.inc"
global main, callee

main:
    call callee
    ret

callee:
    mov eax, 256
    incsspq rax
    xor eax, eax
    ret
