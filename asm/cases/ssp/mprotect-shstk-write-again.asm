; mprotect on a map_shadow_stack region: with PROT_READ, WRSS faults (SIGSEGV, SEGV_ACCERR at the target) and loads still work; with PROT_READ|PROT_WRITE again, WRSS works while an ordinary store still faults: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; A SIGSEGV handler records each fault (si_code, si_addr) and resumes at the address the program put in resume_at.
; PROT_WRITE on a shadow stack gives back shadow-stack writes (VM_WRITE), never ordinary ones: the pages stay shadow-stack pages.
; Exit 4: mprotect(PROT_READ) failed; 5: WRSS after PROT_READ did not fault; 6: that fault is not SEGV_ACCERR at the WRSS target; 7: the load after it does not read the kernel's token;
; 8: mprotect(PROT_READ|PROT_WRITE) failed; 9: WRSS after it faulted; 10: the load does not see that WRSS; 11: the ordinary store did not fault;
; 12: that fault is not SEGV_ACCERR at the store's target; 13: the store changed the shadow stack.
; Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, handler, wrss_ro, after_wrss_ro, wrss_rw, after_wrss_rw, store_rw, after_store_rw

%define SZ 0x2000
%define VALUE 0x0123456789abcdef

section .bss
faults: resd 1
fault_code: resd 1
fault_addr: resq 1
resume_at: resq 1

section .text
main:
    push rbx
    ENABLE_WRSS
    mov edi, SIGSEGV
    lea rsi, [handler]
    xor edx, edx
    call rt_signal
    MAP_SHSTK SZ
    mov rbx, rax
    mov rdi, rbx
    mov esi, SZ
    mov edx, PROT_READ
    call sys_mprotect
    test rax, rax
    jnz fail4
    lea rax, [after_wrss_ro]
    mov [resume_at], rax
    mov rax, VALUE
wrss_ro:
    wrssq [rbx], rax
after_wrss_ro:
    cmp dword [faults], 1
    jne fail5
    cmp dword [fault_code], SEGV_ACCERR
    jne fail6
    cmp [fault_addr], rbx
    jne fail6
    lea rcx, [rbx + SZ + 1]     ; the kernel's restore token, still readable
    cmp [rbx + SZ - 8], rcx
    jne fail7
    mov rdi, rbx
    mov esi, SZ
    mov edx, PROT_READ | PROT_WRITE
    call sys_mprotect
    test rax, rax
    jnz fail8
    lea rax, [after_wrss_rw]
    mov [resume_at], rax
    mov rax, VALUE
wrss_rw:
    wrssq [rbx], rax
after_wrss_rw:
    cmp dword [faults], 1
    jne fail9
    cmp [rbx], rax
    jne fail10
    lea rcx, [after_store_rw]
    mov [resume_at], rcx
    lea rcx, [rbx + 8]
    mov rdx, rax
store_rw:
    mov [rcx], rdx
after_store_rw:
    cmp dword [faults], 2
    jne fail11
    cmp dword [fault_code], SEGV_ACCERR
    jne fail12
    cmp [fault_addr], rcx
    jne fail12
    cmp [rbx], rax              ; the WRSS value, untouched
    jne fail13
    cmp qword [rbx + 8], 0
    jne fail13
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
fail11: EXIT 11
fail12: EXIT 12
fail13: EXIT 13

handler:
    endbr64
    inc dword [faults]
    mov eax, [rsi + SI_CODE]
    mov [fault_code], eax
    mov rax, [rsi + SI_ADDR]
    mov [fault_addr], rax
    mov rax, [resume_at]
    mov [rdx + UC_RIP], rax
    ret
