; map_shadow_stack with an address hint at or above 4 GiB maps exactly there (the kernel adds MAP_FIXED_NOREPLACE), refuses the same hint with EEXIST while the region is mapped, and after munmap maps there again: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; The hint is 0x200000000000 (32 TiB), page-aligned and far from where Linux or QEMU put anything; each mapping carries the restore token (hint + size) | 1 at hint + size - 8.
; Exit 4: the first mapping is not at the hint; 5: its token is wrong; 6: a second mapping at the same hint did not fail with EEXIST;
; 7: munmap failed; 8: the mapping after munmap is not at the hint; 9: its token is wrong.
; Under plain QEMU syscall 453 is unknown (ENOSYS) and the program exits 3.
%include "rt.inc"
global main

%define SZ 0x2000
%define HINT 0x200000000000

main:
    push rbx
    mov rbx, HINT
    mov rdi, rbx
    mov esi, SZ
    mov edx, SHADOW_STACK_SET_TOKEN
    call sys_map_shadow_stack
    cmp rax, -ENOSYS
    je no_cet
    cmp rax, rbx
    jne fail4
    lea rcx, [rbx + SZ + 1]
    cmp [rbx + SZ - 8], rcx
    jne fail5
    mov rdi, rbx
    mov esi, SZ
    mov edx, SHADOW_STACK_SET_TOKEN
    call sys_map_shadow_stack
    cmp rax, -EEXIST
    jne fail6
    mov rdi, rbx
    mov esi, SZ
    call sys_munmap
    test rax, rax
    jnz fail7
    mov rdi, rbx
    mov esi, SZ
    mov edx, SHADOW_STACK_SET_TOKEN
    call sys_map_shadow_stack
    cmp rax, rbx
    jne fail8
    lea rcx, [rbx + SZ + 1]
    cmp [rbx + SZ - 8], rcx
    jne fail9
    xor eax, eax
    pop rbx
    ret
no_cet: EXIT EXIT_NO_CET
fail4: EXIT 4
fail5: EXIT 5
fail6: EXIT 6
fail7: EXIT 7
fail8: EXIT 8
fail9: EXIT 9
