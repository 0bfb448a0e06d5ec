; A thread made with CLONE_VM runs on a fresh shadow stack the kernel maps for it: its SSP differs from main's, sits one entry below a page-aligned top, and an ordinary load there reads the thread function's return address (the instruction after the runtime's thread_entry_call): exit 0.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; The kernel starts the thread with SSP = base + size of a new page-aligned shadow stack; thread_entry_call (call rax, 2 bytes) pushes the first entry.
; Exit 4: the thread read SSP 0; 5: the thread's SSP equals main's; 6: the thread's SSP is not 8 below a page boundary;
; 7: [ssp] in the thread is not the return address at its [rsp]; 8: [ssp] is not thread_entry_call + 2; 9: thread_create failed.
; Under plain QEMU RDSSP leaves main's register at 0 and the program exits 3.
%include "rt.inc"
extern thread_entry_call
global main, worker

section .bss
tid: resd 1
child_ssp: resq 1
child_word: resq 1
child_rsp_word: resq 1

section .text
main:
    push rbx
    READ_SSP rbx
    lea rdi, [worker]
    xor esi, esi
    lea rdx, [tid]
    call thread_create
    test rax, rax
    js .no_thread
    lea rdi, [tid]
    call thread_join
    mov rax, [child_ssp]
    test rax, rax
    jz .zero
    cmp rax, rbx
    je .same
    lea rcx, [rax + 8]
    test ecx, 0xfff
    jnz .not_fresh
    mov rax, [child_word]
    cmp rax, [child_rsp_word]
    jne .not_rsp
    lea rcx, [thread_entry_call + 2]
    cmp rax, rcx
    jne .not_entry
    xor eax, eax
    pop rbx
    ret
.zero:
    EXIT 4
.same:
    EXIT 5
.not_fresh:
    EXIT 6
.not_rsp:
    EXIT 7
.not_entry:
    EXIT 8
.no_thread:
    EXIT 9

worker:
    endbr64
    xor eax, eax
    rdsspq rax
    mov [child_ssp], rax
    test rax, rax
    jz .out
    mov rcx, [rax]
    mov [child_word], rcx
    mov rcx, [rsp]
    mov [child_rsp_word], rcx
.out:
    xor eax, eax
    ret
