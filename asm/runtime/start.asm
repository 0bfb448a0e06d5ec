; Program entry: main(argc, argv), then exit_group with its return value.
; _start is entered by the kernel with an empty shadow stack and never returns.
; It asks for the shadow stack first, inline and before any call that must return, as
; a Linux program does (glibc's loader does the same), so that an emulator that
; implements the kernel's ABI switches itself on; the answer is ignored.
%include "cet.inc"

extern main
global _start

_start:
    mov eax, SYS_arch_prctl
    mov edi, ARCH_SHSTK_ENABLE
    mov esi, ARCH_SHSTK_SHSTK
    syscall
    xor ebp, ebp
    mov rdi, [rsp]              ; argc
    lea rsi, [rsp + 8]          ; argv
    and rsp, -16
    call main
    mov edi, eax
    mov eax, SYS_exit_group
    syscall
    hlt
