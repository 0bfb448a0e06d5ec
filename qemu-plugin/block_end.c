/* Sorting a block's last instruction: see block_end.h.  QEMU gives the instruction's
 * length, so only the opcode after the prefixes has to be recognised. */
#include "block_end.h"

#include <stdbool.h>
#include <string.h>

static bool is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0xF0: case 0xF2: case 0xF3: case 0x2E: case 0x36: case 0x3E:
    case 0x26: case 0x64: case 0x65: case 0x66: case 0x67:
        return true;
    default:
        return false;
    }
}

/* Where the opcode starts: past the legacy prefixes and a REX prefix. */
static size_t opcode_at(const uint8_t *b, size_t len)
{
    size_t i = 0;
    while (i < len && is_legacy_prefix(b[i]))
        i++;
    if (i < len && (b[i] & 0xF0) == 0x40)
        i++;
    return i;
}

/* A relative branch's displacement is everything after its opcode: 1 or 4 bytes (2
 * with a 66 prefix, where CPUs differ on the target: left unknown). */
static uint64_t relative_target(const uint8_t *b, size_t len, uint64_t pc, size_t disp_at)
{
    size_t n = disp_at < len ? len - disp_at : 0;
    int64_t disp;
    if (n == 1) {
        disp = (int8_t)b[disp_at];
    } else if (n == 4) {
        int32_t d;
        memcpy(&d, b + disp_at, sizeof d);
        disp = d;
    } else {
        return 0;
    }
    return pc + len + (uint64_t)disp;
}

static block_end two_byte_opcode(const uint8_t *b, size_t len, uint64_t pc, size_t i)
{
    block_end e = {END_FALLS_THROUGH, 0};
    if (i + 1 >= len)
        return e;
    uint8_t op = b[i + 1];
    if (op == 0x05)
        e.kind = END_SYSCALL;
    else if (op >= 0x80 && op <= 0x8F)          /* Jcc rel32 */
        e.target = relative_target(b, len, pc, i + 2);
    return e;
}

block_end block_end_of(const uint8_t *b, size_t len, uint64_t pc)
{
    block_end e = {END_FALLS_THROUGH, 0};
    size_t i = opcode_at(b, len);
    if (i >= len)
        return e;
    uint8_t op = b[i];
    switch (op) {
    case 0xE8:                      /* CALL rel32 */
    case 0xC3: case 0xC2:           /* RET, RET imm16 */
    case 0xCB: case 0xCA:           /* far RET */
    case 0xCF:                      /* IRET */
        e.kind = END_TRANSFER;
        return e;
    case 0xFF:                      /* /2 CALL, /3 far CALL, /4 JMP, /5 far JMP */
        if (i + 1 < len) {
            unsigned reg = (b[i + 1] >> 3) & 7;
            if (reg >= 2 && reg <= 5)
                e.kind = END_TRANSFER;
        }
        return e;
    case 0xE9: case 0xEB:           /* JMP rel32, rel8 */
    case 0xE0: case 0xE1: case 0xE2: case 0xE3:   /* LOOPcc, JRCXZ */
        e.target = relative_target(b, len, pc, i + 1);
        return e;
    case 0x0F:
        return two_byte_opcode(b, len, pc, i);
    default:
        if (op >= 0x70 && op <= 0x7F)  /* Jcc rel8 */
            e.target = relative_target(b, len, pc, i + 1);
        return e;
    }
}
