; map_shadow_stack rejects flags other than SHADOW_STACK_SET_TOKEN on x86 (here SHADOW_STACK_SET_MARKER = 2) with EINVAL, so main exits with -errno = 22.
; expect: clean exit=22
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 38.
%include "rt.inc"
global main

main:
    xor edi, edi
    mov esi, 0x2000
    mov edx, 2
    call sys_map_shadow_stack
    neg eax
    ret
