; CPUID leaf 7, subleaf 0 reports CET_SS (ECX bit 7) and CET_IBT (EDX bit 20) on a CET CPU with both on; main exits with SS + 2*IBT = 3.
; expect: clean exit=3
; needs: engine=rsp the CET bits in CPUID's answer (the trace engine cannot change it)
; Under plain QEMU the TCG CPU reports neither and main exits 0.
%include "rt.inc"
global main

main:
    sub rsp, 8
    call rt_cpuid_cet
    add rsp, 8
    ret
