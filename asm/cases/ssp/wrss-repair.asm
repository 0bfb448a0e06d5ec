; After arch_prctl enables WRSS, a function that redirects its return both on the normal stack and (with WRSSQ) on the shadow stack returns there cleanly.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, victim, detour

main:
    ENABLE_WRSS
    call victim
    mov eax, 99                 ; the original return site: skipped
    ret
detour:
    xor eax, eax
    ret

victim:
    lea rax, [detour]
    mov [rsp], rax
    xor edx, edx
    rdsspq rdx
    wrssq [rdx], rax
    ret
