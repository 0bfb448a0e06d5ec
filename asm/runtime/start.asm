; Program entry: main(argc, argv), then exit_group with its return value.
; _start is entered by the kernel with an empty shadow stack and never returns.
%include "cet.inc"

extern main
global _start

_start:
    xor ebp, ebp
    mov rdi, [rsp]              ; argc
    lea rsi, [rsp + 8]          ; argv
    and rsp, -16
    call main
    mov edi, eax
    mov eax, SYS_exit_group
    syscall
    hlt
