; map_shadow_stack of size 0 (no token asked for) fails with EINVAL, the answer of the kernel's mmap to an empty length, so main exits with -errno = 22.
; expect: clean exit=22
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; map_shadow_stack's own checks (flags, token room, hint range, size overflow) all pass for (0, 0, 0); the empty mapping is then refused by do_mmap.
; Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 3.
%include "rt.inc"
global main

main:
    sub rsp, 8
    xor edi, edi
    xor esi, esi
    xor edx, edx
    call sys_map_shadow_stack
    cmp rax, -ENOSYS
    jne .answered
    EXIT EXIT_NO_CET
.answered:
    neg eax
    add rsp, 8
    ret
