; Run-time code is called once with ENDBR64 (clean), then rewritten in place without it, so the second indirect call is a violation: a model must notice code that changed.
; expect: violation ibt at=jit_call2
; Under plain QEMU the rewritten code returns 99.
%include "rt.inc"
global main, jit_call1, jit_call2

main:
    push rbx
    xor edi, edi
    mov esi, 4096
    mov edx, PROT_READ | PROT_WRITE | PROT_EXEC
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    mov rbx, rax
    mov dword [rbx], 0xfa1e0ff3 ; endbr64
    mov byte [rbx + 4], 0xb8    ; mov eax, 0
    mov dword [rbx + 5], 0
    mov byte [rbx + 9], 0xc3    ; ret
jit_call1:
    call rbx
    mov byte [rbx], 0xb8        ; mov eax, 99   (overwrites the ENDBR64)
    mov dword [rbx + 1], 99
    mov byte [rbx + 5], 0xc3    ; ret
jit_call2:
    call rbx
    pop rbx
    ret
