; A second thread that calls exit_group(7) ends the whole process with status 7 while main waits: clean.
; expect: clean exit=7
%include "rt.inc"
global main, worker

section .bss
tid: resd 1

section .text
main:
    sub rsp, 8
    lea rdi, [worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    lea rdi, [tid]
    call thread_join
    mov eax, 99                 ; not reached
    add rsp, 8
    ret

worker:
    endbr64
    EXIT 7
