; A pivot onto a map_shadow_stack stack and back (RSTORSSP + SAVEPREVSSP each way) leaves exactly the tokens the CPU writes, and ordinary loads see them: the kernel's restore token, the previous-SSP token RSTORSSP puts in its place, the restore token SAVEPREVSSP leaves on the stack being left, and a call's return address on the new stack: exit 0.
; expect: clean
; needs: engine=rsp the kernel's CET ABI (the trace engine cannot answer arch_prctl or map_shadow_stack)
; With S = the SSP in main, T = base + size (the top of the new stack):
; before the switch [T-8] = T|1 (kernel, SHADOW_STACK_SET_TOKEN); rstorssp [T-8] writes the previous-SSP token S|3 there and sets SSP = T-8;
; saveprevssp pops it (SSP = T) and writes the restore token S|1 at S-8 on the old stack; a call on the new stack pushes its return address at T-8.
; Back: rstorssp [S-8] writes T|3 at S-8 (SSP = S-8); saveprevssp pops it (SSP = S) and writes the restore token T|1 at T-8, over the old return address.
; Exit 4: kernel token wrong; 5: SSP after rstorssp is not T-8; 6: [T-8] is not S|3; 7: SSP after saveprevssp is not T; 8: [S-8] is not S|1;
; 9: the callee's SSP is not T-8; 10: [ssp] in the callee is not its return address; 11: [S-8] is not T|3 after rstorssp back; 12: SSP not back to S; 13: [T-8] is not T|1 after the switch back.
; Under plain QEMU map_shadow_stack fails and the program exits 3.  (ssp/stack-switch checks the same switch by SSP values only.)
%include "rt.inc"
global main, on_new_stack, ret_site

%define SZ 0x4000

main:
    push rbx
    push r12
    push r13
    MAP_SHSTK SZ
    lea r13, [rax + SZ]         ; T
    READ_SSP r12                ; S
    lea rbx, [r13 - 8]
    lea rcx, [r13 + 1]
    cmp [rbx], rcx
    jne fail4
    rstorssp [rbx]
    xor eax, eax
    rdsspq rax
    cmp rax, rbx
    jne fail5
    lea rcx, [r12 + 3]
    cmp [rbx], rcx
    jne fail6
    saveprevssp
    xor eax, eax
    rdsspq rax
    cmp rax, r13
    jne fail7
    lea rcx, [r12 + 1]
    cmp [r12 - 8], rcx
    jne fail8
    call on_new_stack           ; rax := its SSP, rdx := the word there
ret_site:
    cmp rax, rbx
    jne fail9
    lea rcx, [ret_site]
    cmp rdx, rcx
    jne fail10
    lea rax, [r12 - 8]
    rstorssp [rax]
    lea rcx, [r13 + 3]
    cmp [r12 - 8], rcx
    jne fail11
    saveprevssp
    xor eax, eax
    rdsspq rax
    cmp rax, r12
    jne fail12
    lea rcx, [r13 + 1]
    cmp [rbx], rcx
    jne fail13
    xor eax, eax
    pop r13
    pop r12
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

; returns its SSP in rax and the shadow-stack word there in rdx
on_new_stack:
    xor eax, eax
    rdsspq rax
    mov rdx, [rax]
    ret
