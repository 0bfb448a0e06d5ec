; The get-PC idiom with a REX prefix on the call (48 E8 00000000) is still a CALL with displacement 0, which the CPU does not push on the shadow stack whatever its prefixes, so the function's later RET still matches.
; expect: clean
%include "rt.inc"
global main, get_pc, here

main:
    call get_pc
    lea rdx, [here]
    sub rax, rdx                ; 0 when get_pc saw the right address
    ret

get_pc:
    db 0x48, 0xe8, 0, 0, 0, 0   ; rex.W call $+6
here:
    pop rax
    ret
