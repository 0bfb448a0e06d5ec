; With IBT and the shadow stack both off, CPUID leaf 7 reports neither CET bit: main exits 0 (a harness that always set them would exit 3).
; options: --ibt=off --shstk=off
; expect: clean exit=0
%include "rt.inc"
global main

main:
    push rbx
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov eax, ecx
    shr eax, 7
    and eax, 1                  ; CET_SS
    shr edx, 20
    and edx, 1                  ; CET_IBT
    lea eax, [rax + 2 * rdx]
    pop rbx
    ret
