; A return address overwritten, and the return goes to code that faults at once: the
; shadow-stack violation at bad_ret must be reported although the guest then dies of
; SIGSEGV (a stop-free engine reads what happened before QEMU died).
bits 64
global _start, victim, bad_ret, crash
section .text
victim:
    lea rax, [crash]
    mov [rsp], rax
bad_ret:
    ret
crash:
    mov dword [0], 1
    mov eax, 60
    xor edi, edi
    syscall
_start:
    call victim
    mov eax, 60
    xor edi, edi
    syscall
