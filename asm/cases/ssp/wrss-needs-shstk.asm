; Enabling WRSS while the shadow stack is off fails with EPERM (the kernel's wrss_control rule), so main exits with -errno = 1.
; options: --shstk=off
; expect: clean exit=1
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails with EINVAL and the program exits 22.
%include "rt.inc"
global main

main:
    mov edi, ARCH_SHSTK_ENABLE
    mov esi, ARCH_SHSTK_WRSS
    call sys_arch_prctl
    neg eax
    ret
