; A handler that drops the restorer address from the normal stack and calls rt_sigreturn itself leaves the restorer entry on the shadow stack; the kernel then finds no frame token at SSP and kills the program with SIGSEGV (not a #CP).
; expect: crash signal=SEGV
; needs: engine=rsp a fault the guest must take (the trace engine does not stop the guest to deliver it)
; Under plain QEMU rt_sigreturn succeeds and main returns 0.
%include "rt.inc"
global main, handler, bad_sigreturn

main:
    sub rsp, 8
    mov edi, SIGUSR1
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    mov edi, SIGUSR1
    call raise_signal
    xor eax, eax
    add rsp, 8
    ret

handler:
    endbr64
    add rsp, 8                  ; what the RET to the restorer would have done
    mov eax, SYS_rt_sigreturn
bad_sigreturn:
    syscall
    hlt
