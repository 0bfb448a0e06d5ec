; A forked child gets a copy of the parent's state and runs on outside the harness (QEMU's stub detaches it); it must run normally, so its exit status 5 reaches the parent, which then returns cleanly through its own shadow stack.
; expect: clean exit=0
; The parent exits 1 if the child did not exit with 5 (e.g. was killed by a debug trap), 2 if fork failed.
%include "rt.inc"
global main, child_work

SYS_FORK equ 57
SYS_WAIT4 equ 61

section .bss
wstatus: resd 1

section .text
main:
    sub rsp, 8
    mov eax, SYS_FORK
    syscall
    test rax, rax
    js .fork_failed
    jz .in_child
    mov rdi, -1                 ; wait4(-1, &wstatus, 0, NULL)
    lea rsi, [wstatus]
    xor edx, edx
    xor r10d, r10d
    mov eax, SYS_WAIT4
    syscall
    mov eax, [wstatus]
    cmp eax, 5 << 8             ; WIFEXITED with status 5
    jne .child_failed
    call child_work             ; the parent is still followed: a matched call/ret
    xor eax, eax
    add rsp, 8
    ret
.child_failed:
    EXIT 1
.fork_failed:
    EXIT 2
.in_child:
    call child_work
    EXIT 5

child_work:
    mov eax, 1
    ret
