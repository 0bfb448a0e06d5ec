; A program cannot unlock its own locked shadow-stack features: after ARCH_SHSTK_LOCK of SHSTK, its ARCH_SHSTK_UNLOCK of SHSTK fails with EPERM (the kernel unlocks only through ptrace) and the lock holds, so main exits with -errno = 1.
; expect: clean exit=1
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; The kernel's shstk_prctl lets UNLOCK through only for a task other than the caller (ptrace); for the caller it goes on to the common checks, of which the locked-feature one (EPERM) comes first.
; Exit 4: ARCH_SHSTK_LOCK failed; 5: ARCH_SHSTK_DISABLE of SHSTK afterwards did not fail with EPERM (the lock was dropped); 6: the shadow stack is no longer on.
; Under plain QEMU arch_prctl(ARCH_SHSTK_STATUS) fails and the program exits 3.
%include "rt.inc"
global main

main:
    push rbx
    sub rsp, 16
    NEED_CET_ABI
    mov edi, ARCH_SHSTK_LOCK
    mov esi, ARCH_SHSTK_SHSTK
    call sys_arch_prctl
    test rax, rax
    jnz .lock_failed
    mov edi, ARCH_SHSTK_UNLOCK
    mov esi, ARCH_SHSTK_SHSTK
    call sys_arch_prctl
    mov rbx, rax
    mov edi, ARCH_SHSTK_DISABLE
    mov esi, ARCH_SHSTK_SHSTK
    call sys_arch_prctl
    cmp rax, -EPERM
    jne .unlocked
    mov edi, ARCH_SHSTK_STATUS
    mov rsi, rsp
    call sys_arch_prctl
    cmp qword [rsp], ARCH_SHSTK_SHSTK
    jne .turned_off
    mov eax, ebx
    neg eax
    add rsp, 16
    pop rbx
    ret
.lock_failed:
    EXIT 4
.unlocked:
    EXIT 5
.turned_off:
    EXIT 6
