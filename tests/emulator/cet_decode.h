/* cet_decode.h - the little x86-64 decoding the CET plugin needs.
 *
 * QEMU tells a plugin an instruction's address, length and bytes, nothing more (plugin
 * API v1), so the plugin sorts each instruction into one of the kinds below from its
 * bytes alone.  Only control transfers are told apart; everything else is "plain".
 * Pure code without QEMU types, so it can be read (and tested) on its own.
 */
#ifndef CET_DECODE_H
#define CET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum insn_kind {
    INSN_PLAIN,        /* continues at the next instruction (or faults) */
    INSN_JMP_REL,      /* EB, E9: continues at the target */
    INSN_JCC_REL,      /* Jcc, LOOPcc, JrCXZ: the target or the next instruction */
    INSN_CALL_REL,     /* E8 rel32 */
    INSN_CALL_IND,     /* FF /2, register or memory */
    INSN_JMP_IND,      /* FF /4, register or memory */
    INSN_CALL_FAR,     /* FF /3, memory */
    INSN_JMP_FAR,      /* FF /5, memory */
    INSN_RET,          /* C3 */
    INSN_RET_IMM,      /* C2 iw */
    INSN_RETF,         /* CB, CA iw */
    INSN_OTHER_FLOW,   /* IRET and the like: continues somewhere we cannot predict */
};

struct insn_class {
    enum insn_kind kind;
    bool notrack;        /* a 3E byte somewhere in the prefix run */
    bool zero_disp;      /* CALL rel32 with displacement 0: the "get RIP" idiom */
    bool target_known;   /* `target` is valid (direct branches with rel8 or rel32) */
    uint64_t target;     /* destination of a direct branch */
    bool endbr64;        /* F3 0F 1E FA */
    bool endbr32;        /* F3 0F 1E FB */
    bool int3;           /* CC: exempt from the ENDBR64 check, as on hardware */
    bool sigreturn_stub; /* mov eax, 15 / mov rax, 15: the start of a restorer */
};

/* Classifies the `len` bytes of the instruction at `pc`.  Never fails: bytes it does
 * not understand are INSN_PLAIN, which is right for every non-branch. */
void classify_insn(const uint8_t *bytes, size_t len, uint64_t pc, struct insn_class *out);

#endif
