/* Exploration and breakpoints: from a known pc, follow the code to the next
 * instructions CET must look at, and keep a breakpoint on each. */
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/breakpoint_budget.h"

#include <stdlib.h>
#include <string.h>

static void choose_twin_ret(engine *e, const code_page *p)
{
    /* Each stable page is searched once: most of the time there is nothing new. */
    if (!p->stable || addr_map_get(&e->twin_searched, p->addr, NULL))
        return;
    addr_map_put(&e->twin_searched, p->addr, 1);
    for (size_t i = 0; i < CODE_PAGE_SIZE; i++)
        if (p->bytes[i] == 0xc3 && !addr_map_get(&e->breakpoints, p->addr + i, NULL)) {
            e->twin_ret = p->addr + i;
            return;
        }
}

int engine_insert_breakpoint(engine *e, uint64_t addr)
{
    if (addr_map_get(&e->breakpoints, addr, NULL))
        return 0;
    if (rsp_insert_breakpoint(e->rsp, addr) != RSP_OK)
        return engine_rsp_fail_plain(e, "cannot insert a breakpoint");
    if (addr_map_put(&e->breakpoints, addr, 1) != 0)
        return engine_fail(e, "out of memory");
    e->out.stats.breakpoints++;
    breakpoint_budget_note_insert(e, addr);
    if (addr == e->twin_ret)
        e->twin_ret = 0;
    return 0;
}

int engine_remove_breakpoint(engine *e, uint64_t addr)
{
    if (!addr_map_remove(&e->breakpoints, addr))
        return 0;
    if (rsp_remove_breakpoint(e->rsp, addr) != RSP_OK)
        return engine_rsp_fail_plain(e, "cannot remove a breakpoint");
    return 0;
}

int engine_suspend_breakpoint(engine *e, uint64_t addr)
{
    if (!addr_map_get(&e->breakpoints, addr, NULL))
        return 0;
    if (e->nsuspended == e->capsuspended) {
        size_t cap = e->capsuspended ? e->capsuspended * 2 : 8;
        uint64_t *s = realloc(e->suspended, cap * sizeof *s);
        if (!s)
            return engine_fail(e, "out of memory");
        e->suspended = s;
        e->capsuspended = cap;
    }
    e->suspended[e->nsuspended++] = addr;
    return engine_remove_breakpoint(e, addr);
}

int engine_restore_suspended(engine *e)
{
    while (e->nsuspended > 0)
        if (engine_insert_breakpoint(e, e->suspended[--e->nsuspended]) != 0)
            return -1;
    return 0;
}

enum { EXPLORE_LIMIT = 200000 };

static bool explored_already(engine *e, uint64_t addr)
{
    uint64_t gen;
    if (!addr_map_get(&e->explored, addr, &gen))
        return false;
    return gen == 0 || gen == e->code.generation;
}

/* The syscall number an instruction loads into eax/rax as an immediate, if it does:
 * "mov eax, imm32", "mov rax, simm32", "xor eax, eax". */
static bool loads_syscall_number(const insn *in, uint64_t *nr)
{
    const uint8_t *b = in->bytes;
    if (in->len == 5 && b[0] == 0xb8) {
        uint32_t v;
        memcpy(&v, b + 1, 4);
        *nr = v;
        return true;
    }
    if (in->len == 7 && b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0) {
        int32_t v;
        memcpy(&v, b + 3, 4);
        *nr = (uint64_t)(int64_t)v;
        return true;
    }
    if (in->len == 2 && (b[0] == 0x31 || b[0] == 0x33) && b[1] == 0xc0) {
        *nr = 0;
        return true;
    }
    return false;
}

/* A syscall whose number the instruction before it sets, and which changes nothing
 * the model follows (write, futex, nanosleep...), needs no stop.  Besides speed, this
 * keeps a thread that waits in futex out of QEMU's stub while another thread runs. */
static bool syscall_needs_no_stop(const insn *in, bool nr_known, uint64_t nr)
{
    return in->kind == INSN_SYSCALL && nr_known && !syscall_is_followed(nr);
}

/* Follow straight-line code, direct jumps and both arms of conditional jumps from
 * addr until every path reaches an instruction where CET needs to look; plant a
 * breakpoint there.  Already explored stable code is skipped in O(1). */
int engine_explore(engine *e, uint64_t addr)
{
    uint64_t stack[256];
    size_t depth = 0, steps = 0;
    stack[depth++] = addr;
    while (depth > 0 && steps < EXPLORE_LIMIT) {
        uint64_t pc = stack[--depth], nr = 0;
        bool nr_known = false;
        while (steps++ < EXPLORE_LIMIT) {
            if (explored_already(e, pc))
                break;
            /* Another way into a fused function's body: its RETs need breakpoints. */
            fused_function *f = call_fusion_owner(e, pc);
            if (f && call_fusion_undo(e, f) != 0)
                return -1;
            insn in;
            if (code_cache_decode(&e->code, pc, &in) != 0)
                break; /* unmapped: the guest faults there, QEMU reports it */
            bool stable = code_cache_is_stable(&e->code, pc);
            addr_map_put(&e->explored, pc, stable ? 0 : e->code.generation);
            if (in.kind == INSN_INVALID || in.kind == INSN_HALT)
                break;
            bool skip_syscall = syscall_needs_no_stop(&in, nr_known, nr);
            nr_known = loads_syscall_number(&in, &nr);
            if (insn_is_stop_point(&in) && !skip_syscall) {
                if (engine_insert_breakpoint(e, pc) != 0)
                    return -1;
                break;
            }
            if (in.kind == INSN_JMP_DIRECT) {
                pc = in.target;
                continue;
            }
            if (in.kind == INSN_JCC && depth < sizeof stack / sizeof stack[0])
                stack[depth++] = in.target;
            pc += in.len;
        }
    }
    if (!e->twin_ret) {
        const code_page *p = code_cache_page(&e->code, addr);
        if (p)
            choose_twin_ret(e, p);
    }
    return 0;
}

