; A handler running on a sigaltstack still uses the thread's one shadow stack (Linux has no alternate shadow stack), and returns through its restorer entry: clean.
; expect: clean
%include "rt.inc"
global main, handler

%define SYS_sigaltstack 131
%define SA_ONSTACK 0x08000000
%define ALT_SIZE 0x4000

section .bss
alignb 16
alt_stack: resb ALT_SIZE
handler_rsp: resq 1

section .text
main:
    sub rsp, 24                 ; stack_t: ss_sp, ss_flags, ss_size
    lea rax, [alt_stack]
    mov [rsp], rax
    mov qword [rsp + 8], 0
    mov qword [rsp + 16], ALT_SIZE
    mov rdi, rsp
    xor esi, esi
    mov eax, SYS_sigaltstack
    syscall
    mov edi, SIGUSR1
    lea rsi, [handler]
    mov edx, SA_ONSTACK
    call rt_signal
    mov edi, SIGUSR1
    call raise_signal
    add rsp, 24
    ; 0 when the handler ran on the alternate stack
    mov rax, [handler_rsp]
    lea rdx, [alt_stack]
    sub rax, rdx
    cmp rax, ALT_SIZE
    mov eax, 0
    mov edx, 4
    cmovae eax, edx
    ret

handler:
    endbr64
    mov [handler_rsp], rsp
    ret
