; Raw system-call wrappers.  Each starts with ENDBR64 because C cases take their
; addresses (thread entry points, callbacks).  They return the kernel's raw result.
%include "cet.inc"

%macro SYSCALL_FN 2
global %1
%1:
    endbr64
    mov eax, %2
    mov r10, rcx                ; 4th argument: the kernel wants it in r10
    syscall
    ret
%endmacro

SYSCALL_FN sys_write, SYS_write
SYSCALL_FN sys_exit, SYS_exit
SYSCALL_FN sys_exit_group, SYS_exit_group
SYSCALL_FN sys_mmap, SYS_mmap
SYSCALL_FN sys_mprotect, SYS_mprotect
SYSCALL_FN sys_munmap, SYS_munmap
SYSCALL_FN sys_madvise, SYS_madvise
SYSCALL_FN sys_getpid, SYS_getpid
SYSCALL_FN sys_gettid, SYS_gettid
SYSCALL_FN sys_kill, SYS_kill
SYSCALL_FN sys_tgkill, SYS_tgkill
SYSCALL_FN sys_rt_sigaction, SYS_rt_sigaction
SYSCALL_FN sys_arch_prctl, SYS_arch_prctl
SYSCALL_FN sys_map_shadow_stack, SYS_map_shadow_stack
SYSCALL_FN sys_futex, SYS_futex
