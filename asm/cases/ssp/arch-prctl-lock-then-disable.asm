; After arch_prctl(ARCH_SHSTK_LOCK, ARCH_SHSTK_SHSTK) the shadow stack cannot be turned off: ARCH_SHSTK_DISABLE of it fails with EPERM and the shadow stack stays on, so main exits with -errno = 1.
; expect: clean exit=1
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; This is what glibc does at start-up (it locks the features it enabled), so a later attempt to drop the shadow stack is refused.
; Exit 4: ARCH_SHSTK_LOCK failed; 5: the shadow stack is no longer on (ARCH_SHSTK_STATUS is not SHSTK).
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
    mov edi, ARCH_SHSTK_DISABLE
    mov esi, ARCH_SHSTK_SHSTK
    call sys_arch_prctl
    mov rbx, rax
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
.turned_off:
    EXIT 5
