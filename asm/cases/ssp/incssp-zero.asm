; INCSSPQ with a count of 0 reads the shadow-stack top but moves nothing, so the following RET matches: clean.
; expect: clean
%include "rt.inc"
global main, callee

main:
    call callee
    ret

callee:
    xor eax, eax
    incsspq rax
    ret
