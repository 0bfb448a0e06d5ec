; A second thread that overwrites a return address is stopped at that thread's RET, while main's shadow stack stays untouched.
; expect: violation shstk at=thread_bad_ret reason=ret-mismatch
; Under plain QEMU the thread's return reaches `hijack`, which exits 99.
%include "rt.inc"
global main, worker, victim, thread_bad_ret, hijack

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
    call victim
    xor eax, eax
    add rsp, 8
    ret

victim:
    lea rax, [hijack]
    mov [rsp], rax
thread_bad_ret:
    ret

hijack:
    EXIT 99
