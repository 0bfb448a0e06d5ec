; A second thread (clone with CLONE_VM) making nested calls on its own shadow stack returns from each of them cleanly while main waits.
; expect: clean
%include "rt.inc"
global main, worker, f1, f2, f3

section .bss
tid: resd 1
result: resd 1

section .text
main:
    sub rsp, 8
    lea rdi, [worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    test rax, rax
    js .fail
    lea rdi, [tid]
    call thread_join
    mov eax, [result]
    sub eax, 3
    add rsp, 8
    ret
.fail:
    EXIT 4

worker:
    endbr64
    sub rsp, 8
    call f1
    mov [result], eax
    xor eax, eax
    add rsp, 8
    ret

f1: call f2
    inc eax
    ret
f2: call f3
    inc eax
    ret
f3: mov eax, 1
    ret
