; Overwrites its return address, then loops forever making calls: under
; --on-violation=continue with a --timeout the run finds a violation and then times out,
; and its exit status is the violation's (1), not the timeout's (125).
bits 64
global _start, bad_ret, spin
section .text
bad_ret:
    lea rax, [rel forever]
    mov [rsp], rax
    ret
spin:
    ret
forever:
    call spin
    jmp forever
_start:
    call bad_ret
    ud2
