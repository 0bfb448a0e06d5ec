; A loop making 200 indirect calls through a table of functions that all begin with ENDBR64 stays clean: each ENDBR64 resets the tracker for the next call.
; expect: clean
%include "rt.inc"
global main, add1, add2, add3

section .data
table: dq add1, add2, add3

section .text
main:
    push rbx
    push r12
    xor ebx, ebx                ; accumulator
    xor r12d, r12d              ; iteration
.loop:
    mov eax, r12d
    xor edx, edx
    mov ecx, 3
    div ecx                     ; edx = i % 3
    lea rax, [table]
    call [rax + rdx*8]
    inc r12d
    cmp r12d, 200
    jb .loop
    ; 67 * 1 + 67 * 2 + 66 * 3 = 399
    lea eax, [rbx - 399]
    pop r12
    pop rbx
    ret

add1:
    endbr64
    add ebx, 1
    ret
add2:
    endbr64
    add ebx, 2
    ret
add3:
    endbr64
    add ebx, 3
    ret
