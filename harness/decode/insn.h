/* The decoder layer: one decoded x86-64 instruction, classified by what CET cares
 * about (this header), and what an instruction writes (insn_effects.h).  Used by the
 * engines; knows nothing of the model, RSP or QEMU.  May call: libc and Capstone.
 *
 * insn_decode() first matches the CET opcode space itself (Capstone 4 returns
 * nothing for RDSSP/SAVEPREVSSP/RSTORSSP/WRSS/WRUSS/SETSSBSY and mis-decodes
 * INCSSP as LFENCE and CLRSSBSY as XSAVEOPT), then hands everything else to
 * Capstone and classifies the result.
 */
#ifndef HARNESS_INSN_H
#define HARNESS_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Registers use GDB's amd64 numbering, which is also the order of the "g" block. */
enum gdb_reg {
    REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    REG_RIP, REG_EFLAGS,
    REG_NONE = -1,
};

typedef enum insn_kind {
    INSN_OTHER,          /* falls through to the next instruction */
    INSN_CALL_DIRECT,    /* E8 rel32 (target in .target) */
    INSN_CALL_INDIRECT,  /* FF /2, register or memory operand */
    INSN_JMP_DIRECT,     /* E9 / EB */
    INSN_JMP_INDIRECT,   /* FF /4 */
    INSN_JCC,            /* Jcc, LOOP*, JRCXZ: falls through or goes to .target */
    INSN_RET,            /* C3 (also with F2/F3 prefixes) */
    INSN_RET_IMM,        /* C2 iw (.imm) */
    INSN_CALL_FAR,       /* FF /3 (memory operand) */
    INSN_JMP_FAR,        /* FF /5 */
    INSN_RET_FAR,        /* CB / CA iw / REX.W forms */
    INSN_IRET,           /* CF (iret/iretd/iretq) */
    INSN_SYSCALL,        /* 0F 05 */
    INSN_INT,            /* int n, int3, into, int1, sysenter: leaves to the kernel */
    INSN_HALT,           /* hlt, ud2, ud0/ud1: never falls through normally */
    INSN_ENDBR64,
    INSN_ENDBR32,
    INSN_RDSSP,          /* F3 [REX.W] 0F 1E /1, mod=11; .reg, .wide */
    INSN_INCSSP,         /* F3 [REX.W] 0F AE /5, mod=11; .reg, .wide */
    INSN_SAVEPREVSSP,    /* F3 0F 01 EA */
    INSN_RSTORSSP,       /* F3 0F 01 /5, memory; .mem */
    INSN_SETSSBSY,       /* F3 0F 01 E8 */
    INSN_CLRSSBSY,       /* F3 0F AE /6, memory; .mem */
    INSN_WRSS,           /* [REX.W] 0F 38 F6 /r, memory; .mem, .reg = source, .wide */
    INSN_WRUSS,          /* 66 [REX.W] 0F 38 F5 /r, memory; .mem, .reg = source, .wide */
    INSN_CPUID,          /* 0F A2: a CET CPU reports CET_SS and CET_IBT in leaf 7 */
    INSN_INVALID,        /* could not be decoded */
} insn_kind;

typedef enum seg_override { SEG_NONE, SEG_FS, SEG_GS } seg_override;

typedef struct insn_mem {
    int base;            /* gdb_reg or REG_NONE; REG_RIP for RIP-relative */
    int index;           /* gdb_reg or REG_NONE */
    int scale;           /* 1, 2, 4, 8 */
    int64_t disp;        /* raw displacement (for RIP-relative: relative to the next insn) */
    seg_override seg;
    int size;            /* operand size in bytes (8 for near indirect, 10 for far m16:64 ...) */
} insn_mem;

typedef struct insn {
    uint64_t addr;
    uint8_t len;
    uint8_t bytes[15];
    insn_kind kind;
    bool notrack;        /* 3E prefix anywhere in the prefix run of FF /2 or FF /4 */
    bool wide;           /* REX.W on RDSSP/INCSSP/WRSS/WRUSS (Q form) */
    bool has_mem;        /* operand is in memory (.mem valid) */
    insn_mem mem;
    int reg;             /* register operand: indirect branch target register, RDSSP
                            destination, INCSSP count, WRSS/WRUSS source; REG_NONE if none */
    int reg_size;        /* size in bytes of .reg as used (4 or 8) */
    uint64_t target;     /* direct CALL/JMP/Jcc target (absolute) */
    uint16_t imm;        /* RET imm16 / far RET imm16 */
    char text[80];       /* "call qword ptr [rip + 0x2fe2]", "rdsspq rax" */
} insn;

/* Decode one instruction from bytes[0..avail) located at addr.
 * Returns 0 on success; -1 if the bytes are not a valid instruction (out->kind is
 * then INSN_INVALID and out->len 1).  Thread-compatible: one decoder per thread. */
int insn_decode(const uint8_t *bytes, size_t avail, uint64_t addr, insn *out);

/* Only the CET opcode space: returns 1 and fills out when bytes begin with one of the
 * encodings of CET.md section 2.11 (except ENDBR, which Capstone handles, and which this
 * also recognises), 0 otherwise.  Exposed for unit tests. */
int cet_decode(const uint8_t *bytes, size_t avail, uint64_t addr, insn *out);

/* True when the 4 bytes at p are F3 0F 1E FA. */
bool bytes_are_endbr64(const uint8_t *p);

/* Does control leave this instruction other than by falling through? */
bool insn_is_stop_point(const insn *in);

const char *insn_kind_name(insn_kind k);

/* Release the Capstone handle (optional, for leak checkers). */
void insn_decoder_shutdown(void);

#endif
