; Direct CALL and JMP to code without ENDBR64 are allowed, because only indirect and far transfers arm the tracker.
; expect: clean
%include "rt.inc"
global main, callee, jumped

main:
    call callee
    jmp jumped
    mov eax, 99
    ret
jumped:
    ret

callee:
    xor eax, eax
    ret
