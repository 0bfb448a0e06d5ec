; Calls, returns and exits with status 7: the run must report no violation and exit 7.
bits 64
global _start, f, g
section .text
f:  call g
    ret
g:  ret
_start:
    call f
    mov eax, 60
    mov edi, 7
    syscall
