; A NOTRACK indirect call into run-time code without ENDBR64 is clean: NOTRACK covers generated code too.
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
    mov dword [rax], 0xc3c031   ; xor eax, eax; ret
    NOTRACK
    call rax
    add rsp, 8
    ret
