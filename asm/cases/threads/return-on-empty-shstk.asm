; A raw clone(CLONE_VM) child that executes RET straight away finds its new shadow stack empty; the shadow-stack read past its top is a #PF, so real hardware kills the process with SIGSEGV, not a #CP.
; expect: crash signal=SEGV
; needs: engine=rsp a fault the guest must take (the trace engine does not stop the guest to deliver it)
; The normal stack holds the address of `landing`; under plain QEMU the RET gets there and the process exits 99.
%include "rt.inc"
global main, child_ret, landing

%define STACK 0x10000
%define CLONE_FLAGS 0x3d0f00

section .bss
tid: resd 1

section .text
main:
    push rbx
    xor edi, edi
    mov esi, STACK
    mov edx, PROT_READ | PROT_WRITE
    mov r10d, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    mov eax, SYS_mmap
    syscall
    lea rsi, [rax + STACK - 16]
    lea rcx, [landing]
    mov [rsi], rcx
    mov edi, CLONE_FLAGS
    lea rdx, [tid]
    lea r10, [tid]
    xor r8d, r8d
    mov eax, SYS_clone
    syscall
    test rax, rax
    jnz in_parent
child_ret:
    ret                         ; child: empty shadow stack
in_parent:                      ; wait inline: no stop while the child runs
    mov edx, [tid]
    test edx, edx
    jz .joined
    lea rdi, [tid]
    xor esi, esi                ; FUTEX_WAIT
    xor r10d, r10d
    mov eax, SYS_futex
    syscall
    jmp in_parent
.joined:
    xor eax, eax
    pop rbx
    ret

landing:
    EXIT 99
