; map_shadow_stack with SHADOW_STACK_SET_TOKEN and a size below 8 bytes (here 7) fails with ENOSPC, since the 8-byte restore token would not fit, so main exits with -errno = 28.
; expect: clean exit=28
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; The kernel checks the token's room on the size as given, before rounding it up to a page.
; Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 3.
%include "rt.inc"
global main

main:
    sub rsp, 8
    xor edi, edi
    mov esi, 7
    mov edx, SHADOW_STACK_SET_TOKEN
    call sys_map_shadow_stack
    cmp rax, -ENOSYS
    jne .answered
    EXIT EXIT_NO_CET
.answered:
    neg eax
    add rsp, 8
    ret
