; WRSSQ (enabled) to ordinary memory faults with #PF, because its store is a shadow-stack access and the page is not a shadow-stack page: SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, bad_wrss

section .bss
alignb 8
plain: resq 1

section .text
main:
    ENABLE_WRSS
    lea rdx, [plain]
    mov eax, 1
bad_wrss:
    wrssq [rdx], rax
    EXIT 99
