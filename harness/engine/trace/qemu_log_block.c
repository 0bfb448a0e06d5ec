/* A translated block of the QEMU log (-d in_asm): the dashes, "IN: symbol", one line per
 * instruction with its address and bytes, an empty line.  QEMU prints at most 8 bytes on
 * an instruction's line and the rest on lines of their own without a mnemonic:
 *
 *   0x7f4589c607e4:  48 c7 44 24 b8 00 10 00  movq     $0x1000, -0x48(%rsp)
 *   0x7f4589c607ec:  00
 *
 * The instructions are Capstone's reading of the bytes, which is not always QEMU's own
 * (undecodable bytes show as ".byte 0x48" one by one). */
#include "engine/trace/qemu_log_internal.h"

#include <stdlib.h>

enum { QLOG_INSNS_INITIAL = 512 };   /* TCG's most instructions in one block */

static bool is_hex_digit(char c)
{
    return qlog_hexval[(unsigned char)c] < 16;
}

/* " b8 9e 00": the bytes after the address, up to the two spaces before the mnemonic.
 * Returns how many (at most max are stored); *p is left after them. */
static size_t parse_bytes(const char **pp, uint8_t *out, size_t max)
{
    const char *p = *pp;
    size_t nb = 0;
    while (p[0] == ' ' && is_hex_digit(p[1]) && is_hex_digit(p[2])
           && (p[3] == ' ' || p[3] == '\n' || p[3] == '\0')) {
        if (nb < max)
            out[nb] = (uint8_t)(qlog_hexval[(unsigned char)p[1]] << 4
                                | qlog_hexval[(unsigned char)p[2]]);
        nb++;
        p += 3;
    }
    *pp = p;
    return nb;
}

static bool add_insn(qlog_reader *r, size_t *ninsns, uint64_t addr, const uint8_t *bytes, size_t nb)
{
    if (!qlog_grow((void **)&r->insns, &r->capinsns, *ninsns + 1, sizeof *r->insns))
        return false;
    qlog_insn *in = &r->insns[(*ninsns)++];
    in->addr = addr;
    in->len = (uint8_t)(nb < 15 ? nb : 15);
    memcpy(in->bytes, bytes, in->len);
    return true;
}

/* One "0x...:" line of a block.  false: not an instruction line. */
static bool insn_line(qlog_reader *r, const char *s, size_t *ninsns, qlog_record *rec)
{
    uint64_t addr;
    const char *p = qlog_hex(s + 2, &addr);
    if (!p || p[0] != ':' || p[1] != ' ')
        return false;
    p++;
    if (QLOG_STARTS(p, " unable to read memory")) {
        rec->block_incomplete = true;
        return true;
    }
    p++;   /* the space of ": "; each byte brings its own */
    uint8_t bytes[15];
    size_t nb = parse_bytes(&p, bytes, sizeof bytes);
    if (nb == 0 || nb > 15)
        return false;
    while (*p == ' ')
        p++;
    bool has_text = *p != '\n' && *p != '\0';
    qlog_insn *last = *ninsns ? &r->insns[*ninsns - 1] : NULL;
    if (!has_text && last && last->addr + last->len == addr && last->len + nb <= 15) {
        memcpy(last->bytes + last->len, bytes, nb);   /* the tail of a long instruction */
        last->len = (uint8_t)(last->len + nb);
        return true;
    }
    if (!add_insn(r, ninsns, addr, bytes, nb)) {
        rec->block_incomplete = true;   /* out of memory: the block is not all there */
        return true;
    }
    return true;
}

/* "IN: main" (or "IN: " alone): keep the symbol past the line's lifetime in the buffer. */
static void keep_symbol(qlog_reader *r, const char *s, size_t n, qlog_record *rec)
{
    size_t skip = n > 3 && s[3] == ' ' ? 4 : 3;
    size_t len = n - skip;
    if (!qlog_grow((void **)&r->sym, &r->capsym, len + 1, 1))
        return;
    memcpy(r->sym, s + skip, len);
    r->sym[len] = '\0';
    rec->symbol = r->sym;
}

/* Lines QEMU's disassembler adds when it and the translator disagree. */
static bool is_disas_complaint(const char *s)
{
    return QLOG_STARTS(s, "Disassembler disagrees") || QLOG_STARTS(s, "Please report this to");
}

int qlog_parse_block(qlog_reader *r, qlog_record *rec)
{
    qlog_consume(r, 17, 1);   /* the dashes and their newline */
    rec->kind = QLOG_BLOCK;
    if (!r->insns && !qlog_grow((void **)&r->insns, &r->capinsns, QLOG_INSNS_INITIAL, sizeof *r->insns))
        rec->block_incomplete = true;
    size_t ninsns = 0;
    for (bool first = true;; first = false) {
        size_t n;
        bool complete;
        int got = qlog_line_at(r, 0, &n, &complete);
        if (got < 0)
            return -1;
        const char *s = r->buf + r->pos;
        if (got == 0 || !complete) {   /* the log ends inside the block: drop a cut line */
            rec->truncated = true;
            qlog_consume(r, n, 0);
            break;
        }
        if (n == 0) {
            qlog_consume(r, 1, 1);
            break;
        }
        if (first && QLOG_STARTS(s, "IN:"))
            keep_symbol(r, s, n, rec);
        else if (is_disas_complaint(s))
            rec->block_incomplete = true;
        else if (!(s[0] == '0' && s[1] == 'x' && insn_line(r, s, &ninsns, rec)))
            return qlog_malformed(r, n, complete, rec, "bad line in a translated block");
        qlog_consume(r, n + 1, 1);
    }
    rec->insns = r->insns;
    rec->ninsns = ninsns;
    return 1;
}
