; A signal handler that overwrites its return address (the restorer) on the normal stack is a violation at its RET, because the kernel's shadow frame holds the real restorer.
; expect: violation shstk at=handler_ret reason=ret-mismatch
; needs: engine=rsp the signal frame's restorer (QEMU's log does not show rt_sigaction's structure)
; Under plain QEMU the handler returns to `hijack`, which exits 99.
%include "rt.inc"
global main, handler, handler_ret, hijack

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
    lea rax, [hijack]
    mov [rsp], rax
handler_ret:
    ret

hijack:
    EXIT 99
