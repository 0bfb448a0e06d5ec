; After arch_prctl enables WRSS, ARCH_SHSTK_STATUS reports SHSTK|WRSS = 3, the exit code.
; expect: clean exit=3
; Exit 3 is also what plain QEMU gives (arch_prctl fails there), so only the harness run tells them apart.
%include "rt.inc"
global main

main:
    ENABLE_WRSS
    sub rsp, 8
    mov qword [rsp], 0xff
    mov edi, ARCH_SHSTK_STATUS
    mov rsi, rsp
    call sys_arch_prctl
    test rax, rax
    jz .ok
    EXIT 4
.ok:
    mov rax, [rsp]
    add rsp, 8
    ret
