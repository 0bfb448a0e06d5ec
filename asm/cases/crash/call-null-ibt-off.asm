; An indirect call to address 0 with IBT off faults fetching the target: SIGSEGV and no violation (the push on the shadow stack is fine).
; options: --ibt=off
; expect: crash signal=SEGV
%include "rt.inc"
global main, fault

main:
    xor eax, eax
fault:
    call rax
    ret
