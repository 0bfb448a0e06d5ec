; Benchmark guest: 100 000 direct calls, 100 000 indirect calls through a table,
; and a recursion 10 000 deep; every call returns normally (no violation).
; With an argument it first reads its SSP (RDSSP), as CET-aware code does: from then on
; the harness keeps the guest's copy of the shadow stack current at every stop.
bits 64
default rel
global _start, leaf, leaf2, recurse

section .data
table: dq leaf, leaf2

section .text
leaf:
    endbr64
    add rax, 1
    ret
leaf2:
    endbr64
    add rax, 2
    ret

recurse:                    ; rdi = remaining depth
    endbr64
    test rdi, rdi
    jz .done
    dec rdi
    call recurse
.done:
    ret

_start:
    cmp qword [rsp], 1          ; argc
    jbe .counted
    xor eax, eax
    rdsspq rax
.counted:
    xor eax, eax
    mov ecx, 100000
.direct:
    call leaf
    dec ecx
    jnz .direct
    mov ecx, 100000
    lea rbx, [table]
.indirect:
    mov edx, ecx
    and edx, 1
    call [rbx + rdx*8]
    dec ecx
    jnz .indirect
    mov edi, 10000
    call recurse
    mov eax, 60
    xor edi, edi
    syscall
