; Threads made by raw clone(CLONE_VM|CLONE_THREAD|...).  The kernel gives such a
; thread a new, empty shadow stack, so the child side below never returns: it calls
; the entry function and then exits the thread with its result.
%include "cet.inc"

%define THREAD_STACK 0x10000
; VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|PARENT_SETTID|CHILD_CLEARTID
%define THREAD_CLONE_FLAGS 0x3d0f00

global thread_create, thread_join

; long thread_create(int (*fn)(void *), void *arg, int *tidp)
; Runs fn(arg) on a new thread and returns once that thread has exited, with its tid
; (stored in *tidp, cleared by the kernel at the thread's exit) or a negative errno.
; thread_join is then a formality, kept so that cases read like ordinary thread code.
thread_create:
    endbr64
    push rbx
    push r12
    push r13
    mov rbx, rdi
    mov r12, rsi
    mov r13, rdx
    xor edi, edi
    mov esi, THREAD_STACK
    mov edx, PROT_READ | PROT_WRITE
    mov r10d, MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    mov eax, SYS_mmap
    syscall
    cmp rax, -4095
    jae .out
    lea rsi, [rax + THREAD_STACK - 16]
    mov [rsi], rbx              ; the child pops fn and arg from its new stack
    mov [rsi + 8], r12
    mov edi, THREAD_CLONE_FLAGS
    mov rdx, r13                ; parent_tid
    mov r10, r13                ; child_tid
    xor r8d, r8d                ; tls
    mov eax, SYS_clone
    syscall
    test rax, rax
    jz thread_child_start
    js .out
    mov rbx, rax                ; the tid, returned once the thread has finished
    ; The parent waits for the child right here, with no call, return or followed
    ; syscall between the clone and the futex wait: QEMU's user-mode gdbstub cannot
    ; serve two threads that stop at once, so the parent keeps out of the harness's
    ; way while the child runs.
.wait:
    mov edx, [r13]
    test edx, edx
    jz .joined
    mov rdi, r13
    xor esi, esi                ; FUTEX_WAIT
    xor r10d, r10d
    mov eax, SYS_futex
    syscall
    jmp .wait
.joined:
    mov rax, rbx
.out:
    pop r13
    pop r12
    pop rbx
    ret

global thread_child_start, thread_entry_call
thread_child_start:
    pop rax
    pop rdi
thread_entry_call:
    call rax                    ; tracked: the entry function needs ENDBR64
    mov edi, eax
    mov eax, SYS_exit           ; this thread only
    syscall
    hlt

; void thread_join(int *tidp): wait until the kernel clears *tidp.
thread_join:
    endbr64
.wait:
    mov edx, [rdi]
    test edx, edx
    jz .done
    push rdi
    xor esi, esi                ; FUTEX_WAIT
    xor r10d, r10d
    mov eax, SYS_futex
    syscall
    pop rdi
    jmp .wait
.done:
    ret
