; WRSSQ after WRSS was enabled and then disabled again with arch_prctl(ARCH_SHSTK_DISABLE, ARCH_SHSTK_WRSS) is #UD: SIGILL.
; expect: crash signal=ILL
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, bad_wrss

main:
    ENABLE_WRSS
    mov edi, ARCH_SHSTK_DISABLE
    mov esi, ARCH_SHSTK_WRSS
    call sys_arch_prctl
    test rax, rax
    jz .disabled
    EXIT 4
.disabled:
    xor edx, edx
    rdsspq rdx
    mov eax, 0x1234             ; any value: only the permission matters
bad_wrss:
    wrssq [rdx], rax
    EXIT 99
