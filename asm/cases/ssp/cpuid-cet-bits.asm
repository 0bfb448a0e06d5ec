; CPUID leaf 7, subleaf 0 reports CET_SS (ECX bit 7) and CET_IBT (EDX bit 20) on a CET CPU with both on; main exits with SS + 2*IBT = 3.
; expect: clean exit=3
; needs: engine=rsp the CET bits in CPUID's answer (the trace engine cannot change it)
; Under plain QEMU the TCG CPU reports neither and main exits 0.
%include "rt.inc"
global main

main:
    push rbx
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov eax, ecx
    shr eax, 7
    and eax, 1                  ; CET_SS
    shr edx, 20
    and edx, 1                  ; CET_IBT
    lea eax, [rax + 2 * rdx]
    pop rbx
    ret
