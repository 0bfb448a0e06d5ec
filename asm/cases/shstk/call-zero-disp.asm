; The get-PC idiom `call $+5; pop` is not pushed on the shadow stack (CALL with displacement 0 is exempt), so the function's later RET still matches.
; expect: clean
%include "rt.inc"
global main, get_pc, here

main:
    call get_pc
    lea rdx, [here]
    sub rax, rdx                ; 0 when get_pc saw the right address
    ret

get_pc:
    call here                   ; E8 00 00 00 00
here:
    pop rax
    ret
