; Code written at run time into an RWX mapping and starting with ENDBR64 can be called indirectly: clean.
; expect: clean
%include "rt.inc"
global main

main:
    sub rsp, 8
    xor edi, edi
    mov esi, 4096
    mov edx, PROT_READ | PROT_WRITE | PROT_EXEC
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    mov dword [rax], 0xfa1e0ff3 ; endbr64
    mov byte [rax + 4], 0xb8    ; mov eax, 0
    mov dword [rax + 5], 0
    mov byte [rax + 9], 0xc3    ; ret
    call rax
    add rsp, 8
    ret
