; RSTORSSP on a token forged with WRSS (64-bit mode bit cleared) is a violation (#CP RSTORSSP), because a restore token must have bits 1:0 = 01.
; expect: violation shstk at=bad_rstorssp reason=rstorssp-token
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, bad_rstorssp

%define SZ 0x2000

main:
    ENABLE_WRSS
    MAP_SHSTK SZ
    lea rbx, [rax + SZ - 8]
    lea rcx, [rax + SZ]         ; token value without bit 0
    wrssq [rbx], rcx
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
