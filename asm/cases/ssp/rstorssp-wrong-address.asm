; RSTORSSP on a token forged with WRSS that has the mode bit but points one slot too high is a violation, because the token must hold its own address + 8.
; expect: violation shstk at=bad_rstorssp reason=rstorssp-token
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, bad_rstorssp

%define SZ 0x2000

main:
    ENABLE_WRSS
    MAP_SHSTK SZ
    lea rbx, [rax + SZ - 16]
    lea rcx, [rax + SZ + 1]     ; (A + 16) | 1: the token of the slot above
    wrssq [rbx], rcx
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
