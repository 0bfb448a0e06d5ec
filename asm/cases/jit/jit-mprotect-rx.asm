; Code written into a read-write mapping, switched to read-execute with mprotect and then called indirectly through its ENDBR64 is clean.
; expect: clean
%include "rt.inc"
global main

main:
    push rbx
    xor edi, edi
    mov esi, 4096
    mov edx, PROT_READ | PROT_WRITE
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    mov rbx, rax
    mov dword [rbx], 0xfa1e0ff3 ; endbr64
    mov dword [rbx + 4], 0xc3c031 ; xor eax, eax; ret
    mov rdi, rbx
    mov esi, 4096
    mov edx, PROT_READ | PROT_EXEC
    call sys_mprotect
    call rbx
    pop rbx
    ret
