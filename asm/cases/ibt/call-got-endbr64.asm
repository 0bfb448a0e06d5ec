; A call through a PLT-style stub that jumps through a GOT-style pointer slot reaches a function with ENDBR64: allowed.
; expect: clean
; The stub is reached by a direct call, so it needs no ENDBR64 itself; its JMP through the slot is tracked.
%include "rt.inc"
global main, plt_stub, target

section .data
got_slot: dq target

section .text
main:
    call plt_stub
    ret

plt_stub:
    jmp [rel got_slot]

target:
    endbr64
    xor eax, eax
    ret
