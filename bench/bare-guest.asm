; Bare-stop guest: a loop whose body holds one 1-byte instruction, `probe`, on
; which the bare-stop client keeps one breakpoint.  No calls, no returns.
bits 64
global _start, probe
section .text
_start:
    mov ecx, 20000
again:
probe:
    nop
    dec ecx
    jnz again
    mov eax, 60
    xor edi, edi
    syscall
