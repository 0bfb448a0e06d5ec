; Five levels of nested near calls each return to their own caller, so every RET matches the shadow-stack top.
; expect: clean
%include "rt.inc"
global main, f1, f2, f3, f4, f5

main:
    call f1
    sub eax, 5                  ; each level adds 1
    ret
f1: call f2
    inc eax
    ret
f2: call f3
    inc eax
    ret
f3: call f4
    inc eax
    ret
f4: call f5
    inc eax
    ret
f5: mov eax, 1
    ret
