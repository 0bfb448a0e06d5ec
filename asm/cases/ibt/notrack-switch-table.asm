; A compiler-style switch (table of 32-bit offsets, `notrack jmp rax`) into case labels without ENDBR64 is allowed, which is why GCC emits NOTRACK for jump tables.
; expect: clean
%include "rt.inc"
global main, case0, case1, case2, case3

section .rodata
align 4
table:
    dd case0 - table, case1 - table, case2 - table, case3 - table

section .text
main:
    xor ebx, ebx
    xor ecx, ecx
dispatch:
    lea rdx, [table]
    movsxd rax, dword [rdx + rcx*4]
    add rax, rdx
    NOTRACK
    jmp rax
case0:
    add ebx, 1
    jmp next_case
case1:
    add ebx, 10
    jmp next_case
case2:
    add ebx, 100
    jmp next_case
case3:
    add ebx, 1000
next_case:
    inc ecx
    cmp ecx, 4
    jb dispatch
    lea eax, [rbx - 1111]       ; 0 when every case ran once
    ret
