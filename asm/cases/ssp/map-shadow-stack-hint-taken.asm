; map_shadow_stack at an address hint where the program already mapped ordinary memory fails with EEXIST (the kernel maps a hinted shadow stack with MAP_FIXED_NOREPLACE), so main exits with -errno = 17.
; expect: clean exit=17
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Exit 4: the ordinary mapping could not be made at 0x300000000000.  Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 3.
%include "rt.inc"
global main

%define AT 0x300000000000
%define SZ 0x2000

main:
    sub rsp, 8
    mov rdi, AT
    mov esi, SZ
    mov edx, PROT_READ
    mov ecx, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE
    mov r8, -1
    xor r9d, r9d
    call sys_mmap
    mov rcx, AT
    cmp rax, rcx
    jne not_mapped
    mov rdi, AT
    mov esi, SZ
    xor edx, edx
    call sys_map_shadow_stack
    cmp rax, -ENOSYS
    jne .answered
    EXIT EXIT_NO_CET
.answered:
    neg eax
    add rsp, 8
    ret
not_mapped: EXIT 4
