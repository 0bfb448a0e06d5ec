#include "engine/guest_regs.h"

#include <string.h>

/* Byte offsets in the "g" block of QEMU's amd64 target description. */
enum {
    OFF_RIP = 16 * 8,
    OFF_EFLAGS = OFF_RIP + 8,
    OFF_CS = OFF_EFLAGS + 4,
    OFF_X87 = OFF_CS + 6 * 4,
    OFF_FCTRL = OFF_X87 + 8 * 10,
    OFF_XMM = OFF_FCTRL + 8 * 4,
    OFF_MXCSR = OFF_XMM + 16 * 16,
    OFF_FS_BASE = OFF_MXCSR + 4,
    OFF_GS_BASE = OFF_FS_BASE + 8,
};

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int guest_regs_parse(const uint8_t *block, size_t len, guest_regs *out)
{
    if (len < OFF_CS + 4)
        return -1;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 16; i++)
        out->gpr[i] = load64(block + 8 * i);
    out->rip = load64(block + OFF_RIP);
    out->eflags = load32(block + OFF_EFLAGS);
    out->cs = load32(block + OFF_CS);
    if (len >= OFF_GS_BASE + 8) {
        out->fs_base = load64(block + OFF_FS_BASE);
        out->gs_base = load64(block + OFF_GS_BASE);
        out->have_seg_bases = true;
    }
    return 0;
}

uint64_t guest_reg(const guest_regs *r, int gdb_reg)
{
    if (gdb_reg >= 0 && gdb_reg < 16)
        return r->gpr[gdb_reg];
    if (gdb_reg == REG_RIP)
        return r->rip;
    return 0;
}

uint64_t guest_operand_address(const guest_regs *r, const insn *in)
{
    const insn_mem *m = &in->mem;
    uint64_t ea = (uint64_t)m->disp;
    if (m->base == REG_RIP)
        ea += in->addr + in->len;
    else if (m->base != REG_NONE)
        ea += guest_reg(r, m->base);
    if (m->index != REG_NONE)
        ea += guest_reg(r, m->index) * (uint64_t)(m->scale ? m->scale : 1);
    if (m->seg == SEG_FS)
        ea += r->fs_base;
    else if (m->seg == SEG_GS)
        ea += r->gs_base;
    return ea;
}
