; With IBT off an indirect call to a function without ENDBR64 is allowed: this is call-reg-no-endbr run with --ibt=off.
; options: --ibt=off
; expect: clean exit=99
%include "rt.inc"
global main, target

main:
    lea rax, [target]
    call rax
    ret

target:
    mov eax, 99
    ret
