/* The stopped thread's registers and the guest's memory, as the handlers need them:
 * registers are read lazily (two "p" cost less than one "g" for a call or return). */
#include "engine/engine.h"
#include "engine/engine_internal.h"

#include <string.h>

int engine_read_u64(engine *e, uint64_t addr, uint64_t *value)
{
    if (rsp_read_memory(e->rsp, addr, value, 8) != RSP_OK)
        return engine_rsp_fail(e, "cannot read guest memory at 0x%llx", (unsigned long long)addr);
    return 0;
}

int engine_write_u64(engine *e, uint64_t addr, uint64_t value)
{
    if (rsp_write_memory(e->rsp, addr, &value, 8) != RSP_OK)
        return engine_rsp_fail(e, "cannot write guest memory at 0x%llx", (unsigned long long)addr);
    return 0;
}

int engine_set_reg(engine *e, int gdb_reg, uint64_t value)
{
    if (rsp_write_register(e->rsp, gdb_reg, &value, 8) != RSP_OK)
        return engine_rsp_fail(e, "cannot write register %d", gdb_reg);
    if (gdb_reg >= 0 && gdb_reg < 16)
        e->regs.gpr[gdb_reg] = value;
    else if (gdb_reg == REG_RIP)
        e->regs.rip = value;
    if (gdb_reg >= 0 && gdb_reg <= REG_RIP)
        e->regs_known |= 1u << gdb_reg;
    return 0;
}

int engine_load_registers(engine *e)
{
    uint8_t block[1024];
    size_t len;
    if (e->regs_all)
        return 0;
    if (rsp_read_registers(e->rsp, block, sizeof block, &len) != RSP_OK)
        return engine_rsp_fail_plain(e, "cannot read registers");
    if (guest_regs_parse(block, len, &e->regs) != 0)
        return engine_fail(e, "register block too short (%zu bytes)", len);
    e->regs_all = true;
    e->regs_known = (1u << (REG_RIP + 1)) - 1;
    return 0;
}

int engine_reg(engine *e, int gdb_reg, uint64_t *value)
{
    if (gdb_reg < 0 || gdb_reg > REG_RIP)
        return engine_fail(e, "no register %d", gdb_reg);
    if (!(e->regs_known & (1u << gdb_reg))) {
        uint8_t raw[16];
        size_t len;
        uint64_t v = 0;
        if (rsp_read_register(e->rsp, gdb_reg, raw, sizeof raw, &len) != RSP_OK || len < 8)
            return engine_rsp_fail_plain(e, "cannot read a register");
        memcpy(&v, raw, 8);
        if (gdb_reg == REG_RIP)
            e->regs.rip = v;
        else
            e->regs.gpr[gdb_reg] = v;
        e->regs_known |= 1u << gdb_reg;
    }
    *value = gdb_reg == REG_RIP ? e->regs.rip : e->regs.gpr[gdb_reg];
    return 0;
}

int engine_operand_address(engine *e, const insn *in, uint64_t *ea)
{
    uint64_t unused;
    if (in->mem.seg != SEG_NONE && engine_load_registers(e) != 0)
        return -1; /* fs_base/gs_base come only with the whole block */
    if (in->mem.base >= 0 && in->mem.base < REG_RIP && engine_reg(e, in->mem.base, &unused) != 0)
        return -1;
    if (in->mem.index >= 0 && engine_reg(e, in->mem.index, &unused) != 0)
        return -1;
    *ea = guest_operand_address(&e->regs, in);
    return 0;
}


/* QEMU's stub points its register thread ("Hg") and its resume thread ("Hc") at each
 * thread that stops, and since 8.2 a thread that stops while another is being served
 * sends no stop reply but still takes them over.  With several threads, name the
 * stopped thread explicitly before reading its registers and before resuming it at an
 * address, or the harness would read, write and move another thread. */
int engine_select_stopped_thread(engine *e, char op)
{
    if (!engine_several_threads(e) || !e->cur || e->cur->tid <= 0)
        return 0;
    if (rsp_select_thread(e->rsp, op, e->cur_pid, e->cur->tid) != RSP_OK)
        return engine_rsp_fail_plain(e, "cannot select the stopped thread");
    return 0;
}
