; A recursion 12 000 calls deep unwinds with every RET matching its shadow entry: clean.
; expect: clean
; timeout: 60
%include "rt.inc"
global main, count_down

main:
    mov edi, 12000
    call count_down
    sub eax, 12000              ; each level adds 1
    ret

; int count_down(int n): n == 0 ? 0 : 1 + count_down(n - 1)
count_down:
    test edi, edi
    jz .base
    dec edi
    call count_down
    inc eax
    ret
.base:
    xor eax, eax
    ret
