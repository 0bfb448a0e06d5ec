; RSTORSSP onto a map_shadow_stack token plus SAVEPREVSSP switches to the new shadow stack, calls run there, and the same pair with the token SAVEPREVSSP left behind switches back: clean.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Exit 4: the callee's SSP was not on the new stack; 5: SSP not restored.  Under plain QEMU map_shadow_stack fails and the program exits 3.
%include "rt.inc"
global main, on_new_stack

%define SZ 0x4000

main:
    push rbx
    push r12
    push r13
    MAP_SHSTK SZ
    mov r13, rax                ; base
    lea rbx, [rax + SZ - 8]     ; restore token written by the kernel
    READ_SSP r12                ; SSP on the original stack
    rstorssp [rbx]
    saveprevssp                 ; leaves a restore token at r12 - 8
    call on_new_stack
    cmp rax, r13
    jb .wrong_stack
    lea rdx, [r13 + SZ]
    cmp rax, rdx
    jae .wrong_stack
    lea rax, [r12 - 8]
    rstorssp [rax]
    saveprevssp
    xor eax, eax
    rdsspq rax
    cmp rax, r12
    jne .not_restored
    xor eax, eax
    jmp .out
.wrong_stack:
    mov eax, 4
    jmp .out
.not_restored:
    mov eax, 5
.out:
    pop r13
    pop r12
    pop rbx
    ret

; returns the SSP it runs with
on_new_stack:
    xor eax, eax
    rdsspq rax
    ret
