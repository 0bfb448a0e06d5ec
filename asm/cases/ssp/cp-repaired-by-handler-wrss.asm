; A function that corrupts its own shadow-stack return entry with WRSS takes a #CP at its RET; the SIGSEGV handler writes the saved entry back with WRSS and returns, and since a #CP is a fault (RIP and SSP rolled back to the RET) the RET runs again, now matches, and main exits 0.
; options: --on-violation=signal
; expect: violation shstk at=bad_ret reason=ret-mismatch exit=0
; needs: engine=rsp --on-violation=signal and the kernel's CET ABI (the trace engine cannot stop the guest at the violation nor answer arch_prctl)
; victim reads SSP and the word there (its return address) with a load, keeps both, and overwrites the entry with that address + 1.
; The kernel pushes its signal frame (token, restorer) below the faulting SSP, so the handler's WRSS to the saved SSP reaches the entry the RET will pop again.
; Exit 4: the RET returned without a #CP; 5: the handler got a SIGSEGV that is not a #CP (si_code not SEGV_CPERR); 6: the handler ran a second time (the repair did not take).
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, victim, bad_ret, handler

section .bss
saved_ssp: resq 1
saved_word: resq 1
hits: resd 1

section .text
main:
    sub rsp, 8
    ENABLE_WRSS
    mov edi, SIGSEGV
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    call victim
    cmp dword [hits], 1
    jne .no_fault
    xor eax, eax
    add rsp, 8
    ret
.no_fault:
    EXIT 4

victim:
    xor eax, eax
    rdsspq rax
    mov [saved_ssp], rax
    mov rdx, [rax]              ; the shadow copy of victim's return address
    mov [saved_word], rdx
    lea rcx, [rdx + 1]
    wrssq [rax], rcx
bad_ret:
    ret

handler:
    endbr64
    cmp dword [rsi + SI_CODE], SEGV_CPERR
    jne .not_cp
    inc dword [hits]
    cmp dword [hits], 1
    jne .again
    mov rax, [saved_ssp]
    mov rcx, [saved_word]
    wrssq [rax], rcx
    ret
.not_cp:
    EXIT 5
.again:
    EXIT 6
