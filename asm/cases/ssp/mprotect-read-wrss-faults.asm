; After mprotect(PROT_READ) on a map_shadow_stack region, WRSS into it faults (#PF: a shadow-stack write needs a writable shadow-stack mapping), so the guest dies of SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Linux keeps the region a shadow stack but without VM_WRITE; its fault handler turns the shadow-stack write fault into SIGSEGV (SEGV_ACCERR), not a #CP.
; Exit 4: mprotect failed; 99: the WRSS went through.  Under plain QEMU arch_prctl fails and the program exits 3.
%include "rt.inc"
global main, bad_wrss

%define SZ 0x2000

main:
    push rbx
    ENABLE_WRSS
    MAP_SHSTK SZ
    mov rbx, rax
    mov rdi, rax
    mov esi, SZ
    mov edx, PROT_READ
    call sys_mprotect
    test rax, rax
    jz .protected
    EXIT 4
.protected:
    mov eax, 1
bad_wrss:
    wrssq [rbx], rax
    EXIT 99
