; A second thread making an indirect call to a function without ENDBR64 is an IBT violation at that thread's call.
; expect: violation ibt at=thread_bad_call target=target
; Under plain QEMU the target exits 99.
%include "rt.inc"
global main, worker, thread_bad_call, target

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
    xor eax, eax
    add rsp, 8
    ret

worker:
    endbr64
    sub rsp, 8
    lea rax, [target]
thread_bad_call:
    call rax
    add rsp, 8
    ret

target:
    EXIT 99
