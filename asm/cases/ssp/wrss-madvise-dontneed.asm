; WRSS into a fresh map_shadow_stack region is seen by an ordinary load; madvise(MADV_DONTNEED) drops the region's pages, so loads read 0 (the kernel's restore token too), and a WRSS after that is seen again: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Shadow-stack memory is private anonymous memory: MADV_DONTNEED gives zero-filled pages on the next touch, and the region stays a shadow stack, so WRSS keeps working (middle of the region checked too).
; Exit 4: the fresh region's first word is not 0; 5: the load does not see the first WRSS; 6: madvise failed; 7: the first word is not 0 after MADV_DONTNEED;
; 8: the restore token at the top is not 0 after MADV_DONTNEED; 9: the load does not see the WRSS after MADV_DONTNEED; 10: the load does not see a WRSS in the middle of the region.
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main

%define SZ 0x4000
%define VALUE1 0x1111222233334444
%define VALUE2 0x5555666677778888

main:
    push rbx
    ENABLE_WRSS
    MAP_SHSTK SZ
    mov rbx, rax
    cmp qword [rbx], 0
    jne fail4
    mov rax, VALUE1
    wrssq [rbx], rax
    cmp [rbx], rax
    jne fail5
    mov rdi, rbx
    mov esi, SZ
    mov edx, MADV_DONTNEED
    call sys_madvise
    test rax, rax
    jnz fail6
    cmp qword [rbx], 0
    jne fail7
    cmp qword [rbx + SZ - 8], 0
    jne fail8
    mov rax, VALUE2
    wrssq [rbx], rax
    cmp [rbx], rax
    jne fail9
    wrssq [rbx + SZ / 2], rax
    cmp [rbx + SZ / 2], rax
    jne fail10
    xor eax, eax
    pop rbx
    ret
fail4: EXIT 4
fail5: EXIT 5
fail6: EXIT 6
fail7: EXIT 7
fail8: EXIT 8
fail9: EXIT 9
fail10: EXIT 10
