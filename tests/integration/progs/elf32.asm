; A 32-bit program: cetharness must refuse it.
bits 32
global _start
section .text
_start:
    mov eax, 1
    xor ebx, ebx
    int 0x80
