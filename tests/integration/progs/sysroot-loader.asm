; Stands in for the dynamic loader of a sysroot given to QEMU with -L: QEMU runs it as
; the program interpreter, and it says so, then overwrites a return address in
; sysroot_bad_ret.  Marked IBT+SHSTK (cet.inc), unlike the host's loader, so that a
; harness that reads this file, not the host's /lib64/ld-linux-x86-64.so.2, turns
; --ibt/--shstk=auto on and names sysroot_bad_ret in its report.  Linked as a static PIE,
; as loaders are.
%include "cet.inc"
global _start, sysroot_bad_ret, sysroot_evil

section .text
_start:
    endbr64
    mov eax, SYS_write
    mov edi, 1
    lea rsi, [message]
    mov edx, message_len
    syscall
    call sysroot_bad_ret
    mov eax, SYS_exit
    xor edi, edi
    syscall
sysroot_bad_ret:
    lea rax, [sysroot_evil]
    mov [rsp], rax
    ret
sysroot_evil:
    mov eax, SYS_exit
    mov edi, 9
    syscall

section .rodata
message: db "sysroot loader", 10
message_len equ $ - message
