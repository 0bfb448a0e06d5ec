; A thread entry function without ENDBR64 is an IBT violation at the runtime's thread trampoline, which reaches the entry with a tracked `call rax`.
; expect: violation ibt at=thread_entry_call target=worker
; Under plain QEMU the worker exits 99.
%include "rt.inc"
extern thread_entry_call
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
    xor eax, eax
    add rsp, 8
    ret

worker:
    EXIT 99
