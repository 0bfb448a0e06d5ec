#include "engine/call_fusion.h"

#include "engine/engine.h"
#include "decode/insn_effects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* e->fusion_status: entry -> index + 1 into e->fused, or 0 when not fusable.
 * e->fusion_owner: instruction address -> index + 1 of the fused function. */

static bool seen(const fused_function *f, uint64_t pc)
{
    for (unsigned i = 0; i < f->ninsns; i++)
        if (f->insns[i] == pc)
            return true;
    return false;
}

/* Walk every path from the entry; all must end in a plain RET without touching
 * memory or rsp, in stable code nobody has explored (and so planted breakpoints in). */
static bool analyse(engine *e, uint64_t entry, fused_function *f)
{
    uint64_t work[16];
    unsigned depth = 0;
    memset(f, 0, sizeof *f);
    f->entry = entry;
    work[depth++] = entry;
    while (depth > 0) {
        uint64_t pc = work[--depth];
        for (;;) {
            insn in;
            if (seen(f, pc))
                break;
            if (f->ninsns == FUSED_MAX_INSNS || !code_cache_is_stable(&e->code, pc) ||
                addr_map_get(&e->explored, pc, NULL) || call_fusion_owner(e, pc) ||
                code_cache_decode(&e->code, pc, &in) != 0)
                return false;
            f->insns[f->ninsns++] = pc;
            if (in.kind == INSN_RET) {
                if (f->nrets == FUSED_MAX_RETS || addr_map_get(&e->breakpoints, pc, NULL))
                    return false;
                f->rets[f->nrets++] = pc;
                break;
            }
            if (!insn_keeps_stack_intact(&in))
                return false;
            if (in.kind == INSN_JCC) {
                if (depth == sizeof work / sizeof work[0])
                    return false;
                work[depth++] = in.target;
            }
            pc = in.kind == INSN_JMP_DIRECT ? in.target : pc + in.len;
        }
    }
    return f->nrets > 0;
}

static int remember(engine *e, const fused_function *f)
{
    if (e->nfused == e->capfused) {
        size_t cap = e->capfused ? e->capfused * 2 : 16;
        fused_function *grown = realloc(e->fused, cap * sizeof *grown);
        if (!grown)
            return -1;
        e->fused = grown;
        e->capfused = cap;
    }
    e->fused[e->nfused] = *f;
    e->fused[e->nfused].active = true;
    uint64_t id = ++e->nfused;
    for (unsigned i = 0; i < f->ninsns; i++)
        addr_map_put(&e->fusion_owner, f->insns[i], id);
    return addr_map_put(&e->fusion_status, f->entry, id);
}

bool call_fusion_applies(engine *e, uint64_t entry)
{
    uint64_t id;
    if (e->fusion_disabled)
        return false;
    if (addr_map_get(&e->fusion_status, entry, &id))
        return id != 0 && e->fused[id - 1].active;
    fused_function f;
    if (!analyse(e, entry, &f)) {
        addr_map_put(&e->fusion_status, entry, 0);
        return false;
    }
    if (e->opt->verbose)
        fprintf(stderr, "cetharness: fused calls to 0x%llx (%u instructions, %u returns)\n",
                (unsigned long long)entry, f.ninsns, f.nrets);
    return remember(e, &f) == 0;
}

fused_function *call_fusion_owner(engine *e, uint64_t addr)
{
    uint64_t id;
    if (e->nfused == 0 || !addr_map_get(&e->fusion_owner, addr, &id))
        return NULL;
    return &e->fused[id - 1];
}

int call_fusion_undo(engine *e, fused_function *f)
{
    if (!f->active)
        return 0;
    f->active = false;
    for (unsigned i = 0; i < f->ninsns; i++)
        addr_map_remove(&e->fusion_owner, f->insns[i]);
    addr_map_put(&e->fusion_status, f->entry, 0);
    for (unsigned i = 0; i < f->nrets; i++)
        if (engine_insert_breakpoint(e, f->rets[i]) != 0)
            return -1;
    return 0;
}

int call_fusion_disable(engine *e)
{
    e->fusion_disabled = true;
    for (size_t i = 0; i < e->nfused; i++)
        if (call_fusion_undo(e, &e->fused[i]) != 0)
            return -1;
    return 0;
}

void call_fusion_free(engine *e)
{
    free(e->fused);
    addr_map_free(&e->fusion_status);
    addr_map_free(&e->fusion_owner);
    insn_effects_shutdown();
}
