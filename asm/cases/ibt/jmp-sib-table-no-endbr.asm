; A tracked jump through a SIB-addressed table is a violation when the selected entry lacks ENDBR64, even though the earlier entries had it.
; expect: violation ibt at=table_jmp target=case2
; The first two passes are clean; the third lands on case2.  Under plain QEMU the program exits 99.
%include "rt.inc"
global main, table_jmp, case0, case1, case2

section .data
table: dq case0, case1, case2

section .text
main:
    xor ecx, ecx
    lea rdx, [table]
table_jmp:
    jmp [rdx + rcx*8]
case0:
    endbr64
    inc ecx
    jmp table_jmp
case1:
    endbr64
    inc ecx
    jmp table_jmp
case2:
    mov eax, 99
    ret
