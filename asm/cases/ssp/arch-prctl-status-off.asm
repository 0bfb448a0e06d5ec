; With the shadow stack off, arch_prctl(ARCH_SHSTK_STATUS) succeeds and reports no features: exit 0.
; options: --shstk=off
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main

main:
    sub rsp, 8
    mov qword [rsp], 0xff
    mov edi, ARCH_SHSTK_STATUS
    mov rsi, rsp
    call sys_arch_prctl
    test rax, rax
    jz .ok
    EXIT EXIT_NO_CET
.ok:
    mov rax, [rsp]
    add rsp, 8
    ret
