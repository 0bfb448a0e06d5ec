; SAVEPREVSSP with the shadow stack off is #UD: SIGILL.
; options: --shstk=off
; expect: crash signal=ILL
%include "rt.inc"
global main, bad_saveprevssp

main:
bad_saveprevssp:
    saveprevssp
    EXIT 99
