; int rt_cpuid_cet(void): CPUID leaf 7, subleaf 0, as CET_SS (ECX bit 7) + 2 * CET_IBT
; (EDX bit 20): what a program probing for a CET CPU sees.
%include "cet.inc"

global rt_cpuid_cet

rt_cpuid_cet:
    endbr64
    push rbx                    ; CPUID writes rbx, which the caller keeps
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov eax, ecx
    shr eax, 7
    and eax, 1
    shr edx, 20
    and edx, 1
    lea eax, [rax + 2 * rdx]
    pop rbx
    ret
