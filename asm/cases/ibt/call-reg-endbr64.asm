; An indirect call through a register to a function that begins with ENDBR64 is allowed, because ENDBR64 is the landing instruction IBT waits for.
; expect: clean
%include "rt.inc"
global main, target

main:
    lea rax, [target]
    call rax
    ret

target:
    endbr64
    xor eax, eax
    ret
