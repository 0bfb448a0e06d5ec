; With IBT and the shadow stack both off, CPUID leaf 7 reports neither CET bit: main exits 0 (a harness that always set them would exit 3).
; options: --ibt=off --shstk=off
; expect: clean exit=0
%include "rt.inc"
global main

main:
    sub rsp, 8
    call rt_cpuid_cet
    add rsp, 8
    ret
