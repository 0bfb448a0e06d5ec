; Two map_shadow_stack regions placed by the kernel (no address hint) are never adjacent: Linux keeps at least one unmapped guard page next to a shadow stack (INCSSP moves at most 2040 bytes, so it cannot skip from one stack into the next), and places shadow stacks above 4 GiB: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Both regions have the same size SZ, so one page of gap between them means |a - b| >= SZ + 4096 whichever lies higher.
; Exit 4: the regions are closer than that; 5: a region starts below 4 GiB.
; Under plain QEMU map_shadow_stack fails and the program exits 3.
%include "rt.inc"
global main

%define SZ 0x4000

main:
    push rbx
    MAP_SHSTK SZ
    mov rbx, rax
    MAP_SHSTK SZ
    mov rcx, 0x100000000
    cmp rbx, rcx
    jb .low
    cmp rax, rcx
    jb .low
    sub rax, rbx
    jae .positive
    neg rax
.positive:
    cmp rax, SZ + 4096
    jb .adjacent
    xor eax, eax
    pop rbx
    ret
.adjacent:
    EXIT 4
.low:
    EXIT 5
