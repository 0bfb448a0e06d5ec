; Under --on-violation=signal the SIGSEGV handler sees what Linux gives for a #CP: si_code SEGV_CPERR (10), si_addr 0, trap number 21 and the error code 1 (near-ret) in the ucontext; it exits 10 when all four hold, 11 when one does not.
; options: --on-violation=signal
; expect: violation shstk at=bad_ret reason=ret-mismatch exit=10
; needs: engine=rsp --on-violation=signal (the trace engine cannot stop the guest at the violation)
; Under plain QEMU nothing faults: the return goes to evil, which exits 98.
%include "rt.inc"
global main, victim, bad_ret, evil, handler

main:
    sub rsp, 8
    mov edi, SIGSEGV
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    call victim
    EXIT 99                     ; not reached: victim returns to evil or faults

victim:
    lea rax, [evil]
    mov [rsp], rax              ; overwrite the return address
bad_ret:
    ret

evil:
    EXIT 98

handler:
    endbr64
    cmp dword [rsi + SI_CODE], SEGV_CPERR
    jne .wrong
    cmp qword [rsi + SI_ADDR], 0
    jne .wrong
    cmp qword [rdx + UC_TRAPNO], X86_TRAP_CP
    jne .wrong
    cmp qword [rdx + UC_ERR], 1
    jne .wrong
    EXIT 10
.wrong:
    EXIT 11
