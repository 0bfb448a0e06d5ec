; map_shadow_stack with SHADOW_STACK_SET_TOKEN puts the restore token (base + size) | 1 at base + size - 8, and ordinary loads from shadow-stack memory are allowed: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Exit 4: wrong token.  Under plain QEMU the syscall fails and the program exits 3.
%include "rt.inc"
global main

%define SZ 0x3000

main:
    MAP_SHSTK SZ
    lea rcx, [rax + SZ + 1]
    cmp rcx, [rax + SZ - 8]
    mov eax, 0
    mov edx, 4
    cmovne eax, edx
    ret
