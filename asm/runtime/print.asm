; Output and memory helpers for freestanding cases.
%include "cet.inc"

global strlen, puts, print_str, print_u64, print_hex, memcpy, memset

; size_t strlen(const char *s)
strlen:
    endbr64
    xor eax, eax
.next:
    cmp byte [rdi + rax], 0
    je .done
    inc rax
    jmp .next
.done:
    ret

; long print_str(const char *s): write s to fd 1
print_str:
    endbr64
    push rdi
    call strlen
    pop rsi
    mov rdx, rax
    mov edi, 1
    mov eax, SYS_write
    syscall
    ret

; long puts(const char *s): s and a newline to fd 1
puts:
    endbr64
    call print_str
    push 10
    mov rsi, rsp
    mov edi, 1
    mov edx, 1
    mov eax, SYS_write
    syscall
    add rsp, 8
    ret

; void print_u64(unsigned long n): decimal and a newline
print_u64:
    endbr64
    sub rsp, 40
    lea rsi, [rsp + 32]
    mov byte [rsi], 10
    mov rax, rdi
    mov ecx, 10
.digit:
    xor edx, edx
    div rcx
    add dl, '0'
    dec rsi
    mov [rsi], dl
    test rax, rax
    jnz .digit
    lea rdx, [rsp + 33]
    sub rdx, rsi
    mov edi, 1
    mov eax, SYS_write
    syscall
    add rsp, 40
    ret

; void print_hex(unsigned long n): 0x and 16 hex digits and a newline
print_hex:
    endbr64
    sub rsp, 40
    mov word [rsp], '0x'
    mov ecx, 16
    lea rsi, [rsp + 17]
.nibble:
    mov eax, edi
    and eax, 15
    cmp eax, 10
    jb .dec
    add eax, 'a' - 10 - '0'
.dec:
    add eax, '0'
    mov [rsi], al
    dec rsi
    shr rdi, 4
    dec ecx
    jnz .nibble
    mov byte [rsp + 18], 10
    mov rsi, rsp
    mov edx, 19
    mov edi, 1
    mov eax, SYS_write
    syscall
    add rsp, 40
    ret

; void *memcpy(void *d, const void *s, size_t n)
memcpy:
    endbr64
    mov rax, rdi
    mov rcx, rdx
    rep movsb
    ret

; void *memset(void *d, int c, size_t n)
memset:
    endbr64
    mov r8, rdi
    mov eax, esi
    mov rcx, rdx
    rep stosb
    mov rax, r8
    ret
