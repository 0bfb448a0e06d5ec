; A tracked jump through a SIB-addressed table whose entries all begin with ENDBR64 is allowed (the way CET code must dispatch without NOTRACK).
; expect: clean
%include "rt.inc"
global main, case0, case1, case2

section .data
table: dq case0, case1, case2

section .text
main:
    xor ebx, ebx                ; sum of the case values
    xor ecx, ecx
dispatch:
    lea rdx, [table]
    jmp [rdx + rcx*8]
case0:
    endbr64
    add ebx, 1
    jmp next_case
case1:
    endbr64
    add ebx, 2
    jmp next_case
case2:
    endbr64
    add ebx, 4
next_case:
    inc ecx
    cmp ecx, 3
    jb dispatch
    lea eax, [rbx - 7]          ; 0 when every case ran once
    ret
