; Of two threads run one after the other, the first only makes matching calls and the second corrupts a return address: the violation is at the second thread's RET.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; Under plain QEMU the second thread's return reaches `hijack`, which exits 99.
%include "rt.inc"
global main, good_worker, bad_worker, victim, bad_ret, hijack

section .bss
tid: resd 1

section .text
main:
    sub rsp, 8
    lea rdi, [good_worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    lea rdi, [tid]
    call thread_join
    lea rdi, [bad_worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    lea rdi, [tid]
    call thread_join
    xor eax, eax
    add rsp, 8
    ret

good_worker:
    endbr64
    sub rsp, 8
    call leaf
    add rsp, 8
    ret

bad_worker:
    endbr64
    sub rsp, 8
    call victim
    add rsp, 8
    ret

leaf:
    xor eax, eax
    ret

victim:
    lea rax, [hijack]
    mov [rsp], rax
bad_ret:
    ret

hijack:
    EXIT 99
