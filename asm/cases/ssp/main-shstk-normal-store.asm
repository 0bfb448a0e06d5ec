; An ordinary MOV store to the main thread's own shadow stack, at the address RDSSP gives, faults (#PF: shadow-stack pages take only shadow-stack writes), so the guest dies of SIGSEGV.
; expect: crash signal=SEGV
; needs: engine=rsp a CET instruction's result (the trace engine cannot give RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP or WRSS their effect)
; The store would replace main's return address with 0; it must not happen.  (ssp/shstk-normal-store does the same to a map_shadow_stack region.)
; Exit 99: the store went through.  Under plain QEMU RDSSP leaves the register at 0 and the program exits 3.
%include "rt.inc"
global main, bad_store

main:
    READ_SSP rax
    xor edx, edx
bad_store:
    mov [rax], rdx
    EXIT 99
