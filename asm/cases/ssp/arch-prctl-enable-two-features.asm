; arch_prctl(ARCH_SHSTK_ENABLE) with two feature bits at once (SHSTK|WRSS) fails with EINVAL, since the kernel changes one feature per call, and enables nothing, so main exits with -errno = 22.
; expect: clean exit=22
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Exit 4: WRSS got enabled anyway (ARCH_SHSTK_STATUS is not SHSTK alone afterwards).
; Under plain QEMU arch_prctl(ARCH_SHSTK_STATUS) fails and the program exits 3.
%include "rt.inc"
global main

main:
    push rbx
    sub rsp, 16
    NEED_CET_ABI
    mov edi, ARCH_SHSTK_ENABLE
    mov esi, ARCH_SHSTK_SHSTK | ARCH_SHSTK_WRSS
    call sys_arch_prctl
    mov rbx, rax
    mov edi, ARCH_SHSTK_STATUS
    mov rsi, rsp
    call sys_arch_prctl
    cmp qword [rsp], ARCH_SHSTK_SHSTK
    jne .changed
    mov eax, ebx
    neg eax
    add rsp, 16
    pop rbx
    ret
.changed:
    EXIT 4
