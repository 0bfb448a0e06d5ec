/* The blocks QEMU translated, by start address: the latest translation is the one that
 * runs (JIT code that changed is translated again). */
#include "decode/insn.h"
#include "engine/trace/trace_state.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* Only the last instruction is decoded in full (Capstone, with its text, was most of the
 * cost of a translated block); the others only need to be told apart from the CET
 * instructions, which the CET decoder alone recognises (Capstone knows none of them). */
static void classify(const trace_state *s, trace_block *b)
{
    insn in;
    b->has_cet_insn = false;
    for (size_t i = 0; i + 1 < b->n; i++) {
        const qlog_insn *q = &s->insns[b->first + i];
        if (cet_decode(q->bytes, q->len, q->addr, &in) == 1 && in.kind >= INSN_RDSSP &&
            in.kind <= INSN_WRUSS)
            b->has_cet_insn = true;
    }
    const qlog_insn *last = &s->insns[b->first + b->n - 1];
    if (insn_decode(last->bytes, last->len, last->addr, &in) != 0)
        in.kind = INSN_INVALID;
    if (in.kind >= INSN_RDSSP && in.kind <= INSN_WRUSS)
        b->has_cet_insn = true;
    b->last_kind = in.kind;
    b->last_notrack = in.notrack;
}

int trace_add_block(trace_state *s, const qlog_insn *insns, size_t n, size_t *index)
{
    if (n == 0)
        return 0;
    if (grow((void **)&s->insns, &s->capinsns, s->ninsns + n, sizeof *s->insns) != 0 ||
        grow((void **)&s->blocks, &s->capblocks, s->nblocks + 1, sizeof *s->blocks) != 0)
        return -1;
    memcpy(s->insns + s->ninsns, insns, n * sizeof *insns);
    trace_block *b = &s->blocks[s->nblocks];
    b->pc = insns[0].addr;
    b->first = s->ninsns;
    b->n = n;
    s->ninsns += n;
    classify(s, b);
    if (index)
        *index = s->nblocks;
    return addr_map_put(&s->block_at, b->pc, ++s->nblocks);
}

const trace_block *trace_block_at(const trace_state *s, uint64_t pc)
{
    uint64_t index;
    if (!addr_map_get(&s->block_at, pc, &index))
        return NULL;
    return &s->blocks[index - 1];
}

size_t trace_bytes_at(const trace_state *s, uint64_t pc, uint8_t out[4])
{
    const trace_block *b = trace_block_at(s, pc);
    size_t n = 0;
    for (size_t i = 0; b && i < b->n && n < 4; i++) {
        const qlog_insn *in = &s->insns[b->first + i];
        for (size_t k = 0; k < in->len && n < 4; k++)
            out[n++] = in->bytes[k];
    }
    return n;
}
