; An indirect call to run-time generated code that does not start with ENDBR64 is an IBT violation, like any other target.
; expect: violation ibt at=jit_call
; Under plain QEMU the generated code returns 99.
%include "rt.inc"
global main, jit_call

main:
    sub rsp, 8
    xor edi, edi
    mov esi, 4096
    mov edx, PROT_READ | PROT_WRITE | PROT_EXEC
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    mov byte [rax], 0xb8        ; mov eax, 99
    mov dword [rax + 1], 99
    mov byte [rax + 5], 0xc3    ; ret
jit_call:
    call rax
    add rsp, 8
    ret
