; A RET to an address without ENDBR64 is allowed by IBT, because RET never arms the tracker; the shadow stack is off here so only IBT judges the `push; ret`.
; options: --shstk=off
; expect: clean
%include "rt.inc"
global main, landing

main:
    lea rax, [landing]
    push rax
    ret
landing:
    xor eax, eax
    ret
