; After arch_prctl enables WRSS, overwriting the shadow-stack copy of a return address with WRSSQ makes the unchanged normal return mismatch: violation at the RET.
; expect: violation shstk at=bad_ret reason=ret-mismatch
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, victim, bad_ret

main:
    ENABLE_WRSS
    call victim
    mov eax, 99
    ret

victim:
    xor edx, edx
    rdsspq rdx
    mov eax, 0x1234
    wrssq [rdx], rax
bad_ret:
    ret
