; An ordinary load from the address RDSSP gives reads the top shadow-stack entry, which in a called function is its own return address (the word at [rsp]), and the entry above it is the caller's return address: shadow-stack pages are readable by normal loads, exit 0.
; expect: clean
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; main calls outer, outer calls inner; inner reads SSP and loads [ssp] and [ssp+8].
; Exit 4: [ssp] is not inner's return address at [rsp]; 5: [ssp] is not the address after outer's call; 6: [ssp+8] is not outer's return address (the address after main's call).
; Under plain QEMU RDSSP leaves the register at 0 and the program exits 3.
%include "rt.inc"
global main, outer, inner, after_inner, after_outer

main:
    sub rsp, 8
    READ_SSP rax                ; exit 3 without a shadow stack
    call outer
after_outer:
    add rsp, 8
    ret

outer:
    sub rsp, 8
    call inner
after_inner:
    add rsp, 8
    ret

inner:
    xor eax, eax
    rdsspq rax
    mov rdx, [rax]              ; top entry: inner's own return address
    cmp rdx, [rsp]
    jne .not_rsp
    lea rcx, [after_inner]
    cmp rdx, rcx
    jne .not_after_inner
    mov rdx, [rax + 8]          ; next entry: outer's return address
    lea rcx, [after_outer]
    cmp rdx, rcx
    jne .not_after_outer
    xor eax, eax
    ret
.not_rsp:
    EXIT 4
.not_after_inner:
    EXIT 5
.not_after_outer:
    EXIT 6
