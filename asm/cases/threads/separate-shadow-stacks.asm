; A thread made with CLONE_VM gets its own shadow stack: its SSP is non-zero and differs from main's, so main exits 42.
; expect: clean exit=42
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU both RDSSPs give 0 and the program exits 7.
%include "rt.inc"
global main, worker

section .bss
tid: resd 1
child_ssp: resq 1

section .text
main:
    push rbx
    lea rdi, [worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    lea rdi, [tid]
    call thread_join
    xor ebx, ebx
    rdsspq rbx
    mov rax, [child_ssp]
    mov edx, 7
    test rax, rax
    jz .out
    test rbx, rbx
    jz .out
    cmp rax, rbx
    je .out
    mov edx, 42
.out:
    mov eax, edx
    pop rbx
    ret

worker:
    endbr64
    xor eax, eax
    rdsspq rax
    mov [child_ssp], rax
    xor eax, eax
    ret
