; map_shadow_stack refuses a non-zero address hint below 4 GiB with ERANGE (Linux keeps every shadow stack above 4 GiB, out of reach of 32-bit code), so main exits with -errno = 34.
; expect: clean exit=34
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; The hint is 0x10000000 (256 MiB), free and page-aligned: only its range is wrong.
; Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 3.
%include "rt.inc"
global main

main:
    sub rsp, 8
    mov edi, 0x10000000
    mov esi, 0x2000
    mov edx, SHADOW_STACK_SET_TOKEN
    call sys_map_shadow_stack
    cmp rax, -ENOSYS
    jne .answered
    EXIT EXIT_NO_CET
.answered:
    neg eax
    add rsp, 8
    ret
