; Loops forever making calls: for --timeout and for a QEMU that dies mid-run.
bits 64
global _start, spin
section .text
spin:
    ret
_start:
.again:
    call spin
    jmp .again
