; RSTORSSP on a zero slot of a fresh shadow stack (just below the kernel's token) is a violation, because 0 is not a restore token.
; expect: violation shstk at=bad_rstorssp reason=rstorssp-token
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU map_shadow_stack fails and the program exits 3.
%include "rt.inc"
global main, bad_rstorssp

%define SZ 0x2000

main:
    MAP_SHSTK SZ
    lea rbx, [rax + SZ - 16]
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
