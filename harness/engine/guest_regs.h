/* The guest's x86-64 registers as QEMU's "g" packet lays them out
 * (gdb-xml/i386-64bit.xml: 16 GPRs, rip, eflags, cs ss ds es fs gs, then x87/SSE,
 * fs_base and gs_base), and effective addresses of decoded memory operands. */
#ifndef HARNESS_GUEST_REGS_H
#define HARNESS_GUEST_REGS_H

#include "decode/insn.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { GUEST_REG_CS = 18 };

typedef struct guest_regs {
    uint64_t gpr[16];        /* gdb order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15 */
    uint64_t rip;
    uint32_t eflags;
    uint32_t cs;
    uint64_t fs_base, gs_base;
    bool have_seg_bases;
} guest_regs;

/* Parse a raw "g" block (little-endian).  -1 if it is too short for the GPRs and rip. */
int guest_regs_parse(const uint8_t *block, size_t len, guest_regs *out);
uint64_t guest_reg(const guest_regs *r, int gdb_reg);
/* Effective address of a memory operand of the instruction at r->rip. */
uint64_t guest_operand_address(const guest_regs *r, const insn *in);

#endif
