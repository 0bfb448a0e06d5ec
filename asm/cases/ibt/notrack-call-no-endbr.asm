; A NOTRACK (3E) indirect call to a function without ENDBR64 is allowed, because NOTRACK keeps the tracker idle when NO_TRACK_EN is set (as Linux would set it).
; expect: clean
%include "rt.inc"
global main, target

main:
    lea rax, [target]
    NOTRACK
    call rax
    ret

target:
    xor eax, eax
    ret
