; A naive longjmp that restores RSP but not the SSP leaves four stale shadow entries, so main's later RET pops one of them: violation at main's RET.
; expect: violation shstk at=main_ret reason=ret-mismatch
; Under plain QEMU main returns the longjmp value 99.
%include "rt.inc"
global main, main_ret, f1, f2, f3, naive_setjmp, naive_longjmp

section .bss
env: resq 2                     ; rsp, rip

section .text
main:
    call naive_setjmp
    test eax, eax
    jnz main_ret
    call f1
    mov eax, 1                  ; not reached
main_ret:
    ret

f1: call f2
    ret
f2: call f3
    ret
f3: mov edi, 99
    call naive_longjmp
    ret

naive_setjmp:
    lea rdx, [rsp + 8]
    mov [env], rdx
    mov rdx, [rsp]
    mov [env + 8], rdx
    xor eax, eax
    ret

naive_longjmp:
    mov eax, edi
    mov rsp, [env]
    NOTRACK                     ; keep IBT out of it: only the shadow stack is judged
    jmp [env + 8]
