/* System calls the harness makes in the guest's name: to create and remove the
 * mappings that hold shadow stacks, which only the guest can ask QEMU for.
 *
 * The current thread is pointed at a syscall instruction (the one it stopped at, or
 * one seen before) with the call's registers, runs to the instruction after it, and
 * gets all its registers back.  A single step is no use here: over a syscall, QEMU
 * 7.2's step runs one more instruction (measured). */
#include "engine/engine.h"
#include "engine/engine_internal.h"

#include <string.h>

enum { GDB_SIGTRAP = 5, SYSCALL_LEN = 2 };
static const uint8_t SYSCALL_BYTES[SYSCALL_LEN] = {0x0f, 0x05};

static bool is_syscall_at(engine *e, uint64_t addr)
{
    uint8_t b[SYSCALL_LEN];
    return addr && code_cache_read(&e->code, addr, b, sizeof b) == 0 &&
           memcmp(b, SYSCALL_BYTES, sizeof b) == 0;
}

/* A syscall instruction to borrow: the stopped one, the last one the guest ran, or
 * the bytes 0F 05 anywhere on the page of the current pc (mid-instruction is fine). */
static int find_gadget(engine *e, uint64_t *gadget)
{
    if (is_syscall_at(e, e->regs.rip)) {
        *gadget = e->regs.rip;
        return 0;
    }
    if (is_syscall_at(e, e->syscall_gadget)) {
        *gadget = e->syscall_gadget;
        return 0;
    }
    const code_page *p = code_cache_page(&e->code, e->regs.rip);
    for (size_t i = 0; p && i + SYSCALL_LEN <= CODE_PAGE_SIZE; i++)
        if (memcmp(p->bytes + i, SYSCALL_BYTES, SYSCALL_LEN) == 0) {
            *gadget = p->addr + i;
            return 0;
        }
    return 1;
}

static const int ARG_REGS[6] = {REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9};
/* What the call changes: its number and arguments, and rcx/r11 (return rip, rflags). */
static const int CLOBBERED[] = {REG_RAX, REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8,
                                REG_R9, REG_RCX, REG_R11, REG_RIP};

static int point_at_call(engine *e, uint64_t gadget, uint64_t nr, const uint64_t *args)
{
    if (engine_set_reg(e, REG_RAX, nr) != 0 || engine_set_reg(e, REG_RIP, gadget) != 0)
        return -1;
    for (int i = 0; i < 6; i++)
        if (engine_set_reg(e, ARG_REGS[i], args[i]) != 0)
            return -1;
    return 0;
}

static int restore_registers(engine *e, const guest_regs *saved)
{
    for (size_t i = 0; i < sizeof CLOBBERED / sizeof *CLOBBERED; i++) {
        int r = CLOBBERED[i];
        if (engine_set_reg(e, r, r == REG_RIP ? saved->rip : saved->gpr[r]) != 0)
            return -1;
    }
    e->regs = *saved;
    return 0;
}

/* Continue to the breakpoint after the gadget; anything else stopping first (another
 * thread, a signal) is reported, not guessed at. */
static int run_over(engine *e, uint64_t gadget)
{
    rsp_stop st;
    code_cache_next_generation(&e->code);
    if (engine_select_stopped_thread(e, 'c') != 0)
        return -1;
    if (rsp_resume(e->rsp, RSP_CONTINUE, 0, false, 0) != RSP_OK)
        return engine_rsp_fail_plain(e, "cannot resume the guest for a system call of the harness");
    if (rsp_wait_stop(e->rsp, engine_wait_ms(e), &st) != RSP_OK)
        return engine_rsp_fail_plain(e, "no stop after a system call of the harness");
    uint64_t pc = 0;
    e->regs_known = 0;
    e->regs_all = false;
    bool ours = st.kind == RSP_STOP_SIGNAL && st.signal == GDB_SIGTRAP &&
                (!st.has_thread || st.tid == e->cur->tid);
    if (!ours || engine_reg(e, REG_RIP, &pc) != 0 || pc != gadget + SYSCALL_LEN)
        return engine_fail(e, "a system call the harness made in the guest (to map shadow-stack "
                              "memory) did not come back: the guest stopped elsewhere "
                              "(signal %d, thread %lld)%s",
                           st.signal, (long long)(st.has_thread ? st.tid : 0),
                           engine_several_threads(e) ? "; another thread may have stopped at once" : "");
    return 0;
}

int engine_guest_syscall(engine *e, uint64_t nr, const uint64_t args[6], int64_t *result)
{
    uint64_t gadget, rax;
    if (engine_load_registers(e) != 0)
        return -1;
    if (find_gadget(e, &gadget) != 0)
        return 1;
    guest_regs saved = e->regs;
    bool gadget_bp = addr_map_get(&e->breakpoints, gadget, NULL);
    bool after_bp = addr_map_get(&e->breakpoints, gadget + SYSCALL_LEN, NULL);
    if ((gadget_bp && engine_remove_breakpoint(e, gadget) != 0) ||
        (!after_bp && engine_insert_breakpoint(e, gadget + SYSCALL_LEN) != 0) ||
        point_at_call(e, gadget, nr, args) != 0 || run_over(e, gadget) != 0 ||
        engine_reg(e, REG_RAX, &rax) != 0)
        return -1;
    if ((!after_bp && engine_remove_breakpoint(e, gadget + SYSCALL_LEN) != 0) ||
        (gadget_bp && engine_insert_breakpoint(e, gadget) != 0) ||
        restore_registers(e, &saved) != 0)
        return -1;
    e->regs_all = true;
    e->regs_known = (1u << (REG_RIP + 1)) - 1;
    *result = (int64_t)rax;
    return 0;
}
