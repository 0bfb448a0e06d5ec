; Run-time code is rewritten between two calls into a different function (ENDBR64, an indirect call back into the program, RET); both calls and the nested call and returns are clean.
; expect: clean
%include "rt.inc"
global main, helper

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
    ; body 1: endbr64; mov eax, 5; ret
    mov dword [rbx], 0xfa1e0ff3
    mov byte [rbx + 4], 0xb8
    mov dword [rbx + 5], 5
    mov byte [rbx + 9], 0xc3
    call rbx
    cmp eax, 5
    jne .wrong
    ; body 2: endbr64; mov rax, helper; call rax; add eax, 1; ret
    mov dword [rbx], 0xfa1e0ff3
    mov word [rbx + 4], 0xb848
    lea rax, [helper]
    mov [rbx + 6], rax
    mov word [rbx + 14], 0xd0ff
    mov dword [rbx + 16], 0xc301c083
    call rbx
    sub eax, 41                 ; helper gives 40, the body adds 1
    pop rbx
    ret
.wrong:
    mov eax, 4
    pop rbx
    ret

helper:
    endbr64
    mov eax, 40
    ret
