; Signal delivery pushes exactly two shadow-stack slots (the frame token and the restorer), so the handler's SSP is 16 below the SSP at the interrupted syscall: main exits 16.
; expect: clean exit=16
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; Under plain QEMU both RDSSPs give 0 and the program exits 0.
%include "rt.inc"
global main, handler

section .bss
handler_ssp: resq 1

section .text
main:
    push rbx
    mov edi, SIGUSR1
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    call sys_getpid
    mov rdi, rax
    mov esi, SIGUSR1
    xor ebx, ebx
    rdsspq rbx                  ; SSP at the kill below, where the signal arrives
    mov eax, SYS_kill
    syscall
    sub rbx, [handler_ssp]
    mov eax, ebx
    pop rbx
    ret

handler:
    endbr64
    xor eax, eax
    rdsspq rax
    mov [handler_ssp], rax
    ret
