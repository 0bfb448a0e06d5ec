; exit_group called 50 calls deep leaves those shadow-stack entries unreturned, which is not a violation: clean exit 5.
; expect: clean exit=5
%include "rt.inc"
global main, dive

main:
    mov edi, 50
    call dive
    ret

dive:
    test edi, edi
    jz .bottom
    dec edi
    call dive
    ret
.bottom:
    EXIT 5
