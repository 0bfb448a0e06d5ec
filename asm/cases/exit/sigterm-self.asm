; A program that sends itself SIGTERM with no handler installed is ended by that signal: signaled, no violation.
; expect: signaled signal=TERM
%include "rt.inc"
global main

main:
    sub rsp, 8
    mov edi, SIGTERM
    call raise_signal
    mov eax, 99                 ; not reached
    add rsp, 8
    ret
