/* cet_decode.c - sorts x86-64 instructions into the kinds CET cares about.
 * See cet_decode.h.  The length always comes from QEMU, so this never has to work out
 * where an instruction ends; it only has to recognise the opcode after the prefixes. */
#include "cet_decode.h"

#include <string.h>

static bool is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0xF0: case 0xF2: case 0xF3:                       /* LOCK, REPNE/BND, REP */
    case 0x2E: case 0x36: case 0x3E: case 0x26:            /* segment overrides, 3E = NOTRACK */
    case 0x64: case 0x65: case 0x66: case 0x67:            /* FS, GS, operand, address size */
        return true;
    default:
        return false;
    }
}

static bool is_rex(uint8_t b)
{
    return (b & 0xF0) == 0x40;
}

static int32_t read_i32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);   /* x86 is little-endian, like the host */
    return (int32_t)v;
}

/* Direct branches: the displacement is every byte after the opcode (1 or 4 bytes),
 * relative to the next instruction.  With a 66 prefix it is 2 bytes and the target
 * is truncated to 16 bits on some CPUs (and in QEMU), so that target is left unknown
 * rather than guessed. */
static void set_target(struct insn_class *c, const uint8_t *bytes, size_t len, uint64_t pc,
                       size_t disp_at)
{
    size_t n = disp_at < len ? len - disp_at : 0;
    if (n != 1 && n != 4)
        return;
    int64_t disp = n == 1 ? (int8_t)bytes[disp_at] : read_i32(bytes + disp_at);
    c->target = pc + len + (uint64_t)disp;
    c->target_known = true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    while (n > 0 && p[n - 1] == 0)
        n--;
    return n == 0;
}

/* FF /2../5: the ModRM reg field picks the operation; far forms need a memory operand
 * (with a register operand they are #UD, i.e. plain instructions that fault). */
static enum insn_kind group5_kind(uint8_t modrm)
{
    bool reg_operand = (modrm >> 6) == 3;
    switch ((modrm >> 3) & 7) {
    case 2: return INSN_CALL_IND;
    case 4: return INSN_JMP_IND;
    case 3: return reg_operand ? INSN_PLAIN : INSN_CALL_FAR;
    case 5: return reg_operand ? INSN_PLAIN : INSN_JMP_FAR;
    default: return INSN_PLAIN;
    }
}

/* Marks the handful of exact byte sequences the tracker and the signal model look at.
 * Only the canonical encodings count, which is what assemblers and compilers emit. */
static void mark_special(struct insn_class *c, const uint8_t *b, size_t len)
{
    static const uint8_t endbr64[] = { 0xF3, 0x0F, 0x1E, 0xFA };
    static const uint8_t endbr32[] = { 0xF3, 0x0F, 0x1E, 0xFB };
    static const uint8_t mov_eax_15[] = { 0xB8, 0x0F, 0, 0, 0 };
    static const uint8_t mov_rax_15[] = { 0x48, 0xC7, 0xC0, 0x0F, 0, 0, 0 };

    c->endbr64 = len == sizeof endbr64 && memcmp(b, endbr64, len) == 0;
    c->endbr32 = len == sizeof endbr32 && memcmp(b, endbr32, len) == 0;
    c->int3 = len == 1 && b[0] == 0xCC;
    c->sigreturn_stub = (len == sizeof mov_eax_15 && memcmp(b, mov_eax_15, len) == 0) ||
                        (len == sizeof mov_rax_15 && memcmp(b, mov_rax_15, len) == 0);
}

void classify_insn(const uint8_t *bytes, size_t len, uint64_t pc, struct insn_class *out)
{
    memset(out, 0, sizeof *out);
    out->kind = INSN_PLAIN;
    mark_special(out, bytes, len);

    /* The prefix run: legacy prefixes and REX bytes in any order (a REX that is not
     * last is ignored by the CPU, which does not matter for what we look at). */
    size_t i = 0;
    while (i < len && (is_legacy_prefix(bytes[i]) || is_rex(bytes[i]))) {
        out->notrack |= bytes[i] == 0x3E;
        i++;
    }
    if (i >= len)
        return;

    uint8_t op = bytes[i];
    uint8_t next = i + 1 < len ? bytes[i + 1] : 0;
    if (op == 0xC3) {
        out->kind = INSN_RET;
    } else if (op == 0xC2) {
        out->kind = INSN_RET_IMM;
    } else if (op == 0xCB || op == 0xCA) {
        out->kind = INSN_RETF;
    } else if (op == 0xCF) {
        out->kind = INSN_OTHER_FLOW;                        /* IRET */
    } else if (op == 0xE8) {
        out->kind = INSN_CALL_REL;
        out->zero_disp = all_zero(bytes + i + 1, len - (i + 1));
        set_target(out, bytes, len, pc, i + 1);
    } else if (op == 0xE9 || op == 0xEB) {
        out->kind = INSN_JMP_REL;
        set_target(out, bytes, len, pc, i + 1);
    } else if ((op >= 0x70 && op <= 0x7F) || (op >= 0xE0 && op <= 0xE3)) {
        out->kind = INSN_JCC_REL;                           /* Jcc rel8, LOOPcc, JrCXZ */
        set_target(out, bytes, len, pc, i + 1);
    } else if (op == 0x0F && next >= 0x80 && next <= 0x8F) {
        out->kind = INSN_JCC_REL;                           /* Jcc rel32 */
        set_target(out, bytes, len, pc, i + 2);
    } else if (op == 0xFF && i + 1 < len) {
        out->kind = group5_kind(next);
    }
}
