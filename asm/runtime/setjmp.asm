; CET-aware setjmp/longjmp.
; jmp_buf: rbx rbp r12 r13 r14 r15 rsp rip ssp (9 qwords).
; setjmp stores the SSP its caller had (RDSSP + 8: setjmp's own return entry is not
; part of it), or 0 when the shadow stack is off (RDSSP is then a NOP on a zeroed
; register).  longjmp pops (saved - current) / 8 entries with INCSSPQ, 255 at most per
; instruction since only bits 7:0 of the count are used, then reaches the saved return
; address with a tracked JMP: the instruction after the call to setjmp must be ENDBR64.
%include "cet.inc"

global setjmp, longjmp

setjmp:
    endbr64
    mov [rdi], rbx
    mov [rdi + 8], rbp
    mov [rdi + 16], r12
    mov [rdi + 24], r13
    mov [rdi + 32], r14
    mov [rdi + 40], r15
    lea rdx, [rsp + 8]
    mov [rdi + 48], rdx
    mov rdx, [rsp]
    mov [rdi + 56], rdx
    xor eax, eax
    rdsspq rax
    test rax, rax
    jz .store
    add rax, 8
.store:
    mov [rdi + 64], rax
    xor eax, eax
    ret

; void longjmp(jmp_buf env, int val)
longjmp:
    endbr64
    xor eax, eax
    rdsspq rax
    test rax, rax
    jz .regs
    mov rcx, [rdi + 64]
    sub rcx, rax
    shr rcx, 3                  ; entries to drop, including longjmp's own
    mov edx, 255
.chunk:
    cmp rcx, 255
    jbe .last
    incsspq rdx
    sub rcx, 255
    jmp .chunk
.last:
    incsspq rcx
.regs:
    mov eax, esi
    test eax, eax
    jnz .val
    inc eax
.val:
    mov rbx, [rdi]
    mov rbp, [rdi + 8]
    mov r12, [rdi + 16]
    mov r13, [rdi + 24]
    mov r14, [rdi + 32]
    mov r15, [rdi + 40]
    mov rsp, [rdi + 48]
    mov rdx, [rdi + 56]
    jmp rdx
