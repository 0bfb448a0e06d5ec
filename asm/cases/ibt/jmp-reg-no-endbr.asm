; An indirect jump through a register to a label without ENDBR64 raises #CP(ENDBRANCH): JMP FF /4 arms the tracker just like CALL.
; expect: violation ibt at=bad_jmp target=target
; Under plain QEMU the target runs and the program exits 99.
%include "rt.inc"
global main, bad_jmp, target

main:
    lea rax, [target]
bad_jmp:
    jmp rax

target:
    mov eax, 99
    ret
