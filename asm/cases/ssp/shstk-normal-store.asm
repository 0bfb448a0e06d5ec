; An ordinary MOV store into shadow-stack memory faults with #PF (shadow-stack pages are not writable by normal stores): SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; Under plain QEMU the syscall fails and the program exits 3.
%include "rt.inc"
global main, bad_store

%define SZ 0x2000

main:
    MAP_SHSTK SZ
bad_store:
    mov qword [rax], 1
    EXIT 99
