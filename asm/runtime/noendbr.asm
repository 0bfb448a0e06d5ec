; Deliberately unmarked routines for IBT cases written in C: an indirect call or jmp
; to either must raise #CP(ENDBRANCH) when IBT is on.
%include "cet.inc"

global rt_no_endbr, rt_endbr32

; int rt_no_endbr(void): returns 99 without an ENDBR64
rt_no_endbr:
    mov eax, 99
    ret

; int rt_endbr32(void): starts with ENDBR32, a NOP in 64-bit mode
rt_endbr32:
    endbr32
    mov eax, 99
    ret
