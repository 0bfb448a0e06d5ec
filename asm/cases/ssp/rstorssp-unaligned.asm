; RSTORSSP with an operand that is not 8-aligned raises #GP before reading any token: SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU map_shadow_stack fails and the program exits 3.
%include "rt.inc"
global main, bad_rstorssp

%define SZ 0x2000

main:
    MAP_SHSTK SZ
    lea rbx, [rax + SZ - 12]
bad_rstorssp:
    rstorssp [rbx]
    EXIT 99
