; Run-time code at a fixed address that overwrites its own return address is a shadow-stack violation at its RET inside the generated code.
; expect: violation shstk at=jit_bad_ret reason=ret-mismatch
; jit_bad_ret is an absolute symbol (JIT_BASE + 12) because the code has no section.  Under plain QEMU the RET reaches `hijack`, which exits 99; exit 4 means the fixed mapping failed.
%include "rt.inc"
global main, hijack, jit_bad_ret

%define JIT_BASE 0x70000000
jit_bad_ret equ JIT_BASE + 12

main:
    sub rsp, 8
    mov edi, JIT_BASE
    mov esi, 4096
    mov edx, PROT_READ | PROT_WRITE | PROT_EXEC
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    cmp rax, JIT_BASE
    jne .no_map
    ; endbr64; mov qword [rsp], hijack; ret
    mov dword [rax], 0xfa1e0ff3
    mov dword [rax + 4], 0x2404c748
    mov dword [rax + 8], hijack
    mov byte [rax + 12], 0xc3
    call rax
    xor eax, eax
    add rsp, 8
    ret
.no_map:
    EXIT 4

hijack:
    EXIT 99
