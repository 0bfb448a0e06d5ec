; A program that sends itself SIGKILL with no handler installed is ended by that signal: signaled, no violation.
; expect: signaled signal=KILL
%include "rt.inc"
global main

main:
    sub rsp, 8
    mov edi, SIGKILL
    call raise_signal
    mov eax, 99                 ; not reached
    add rsp, 8
    ret
