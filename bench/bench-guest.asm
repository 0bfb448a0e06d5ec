; Benchmark guest: 100 000 direct calls, 100 000 indirect calls through a table,
; and a recursion 10 000 deep; every call returns normally (no violation).
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
