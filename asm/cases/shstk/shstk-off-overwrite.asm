; With the shadow stack off an overwritten return address is not detected: this is overwrite-ret run with --shstk=off, and the hijacked path exits 99.
; options: --shstk=off
; expect: clean exit=99
%include "rt.inc"
global main, victim, hijack

main:
    call victim
    xor eax, eax
    ret

victim:
    lea rax, [hijack]
    mov [rsp], rax
    ret

hijack:
    EXIT 99
