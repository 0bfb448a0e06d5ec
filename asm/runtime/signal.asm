; Signal helpers.  The kernel's shadow-stack signal frame needs SA_RESTORER with a
; non-NULL restorer, so every handler is installed with rt_restorer.
%include "cet.inc"

extern sys_getpid, sys_gettid, sys_tgkill
global rt_signal, rt_restorer, raise_signal

; long rt_signal(int sig, void (*handler)(int, siginfo_t *, void *), unsigned long flags)
; Installs handler as an SA_SIGINFO handler with nothing blocked; flags is ORed in
; (e.g. SA_NODEFER).
rt_signal:
    endbr64
    sub rsp, 40                 ; struct kernel_sigaction (32 bytes), keeps alignment
    mov [rsp], rsi              ; sa_handler
    or rdx, SA_RESTORER | SA_SIGINFO
    mov [rsp + 8], rdx          ; sa_flags
    lea rax, [rt_restorer]
    mov [rsp + 16], rax         ; sa_restorer
    mov qword [rsp + 24], 0     ; sa_mask
    mov rsi, rsp
    xor edx, edx                ; no old action
    mov r10d, 8                 ; sizeof(sigset_t) for the kernel
    mov eax, SYS_rt_sigaction
    syscall
    add rsp, 40
    ret

; The handler's final RET comes here; the kernel's shadow-stack frame holds this
; address, so the RET matches.  Reached only by RET, so no ENDBR64 is needed.
rt_restorer:
    mov eax, SYS_rt_sigreturn
    syscall
    hlt

; long raise_signal(int sig): tgkill(getpid(), gettid(), sig)
raise_signal:
    endbr64
    push rbx
    push r12
    push r13
    mov r13d, edi
    call sys_getpid
    mov rbx, rax
    call sys_gettid
    mov rdi, rbx
    mov rsi, rax
    mov edx, r13d
    call sys_tgkill
    pop r13
    pop r12
    pop rbx
    ret
