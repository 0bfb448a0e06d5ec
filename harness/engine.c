/* The stop loop and the services the instruction handlers share. */
#include "engine.h"

#include "breakpoint_budget.h"
#include "gdb_signals.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { GDB_SIGTRAP = 5, THREAD_SHADOW_STACK_SIZE = 8 << 20 };

double engine_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One switch of --ibt/--shstk=auto: on when the program is marked and, when it is
 * dynamically linked, its interpreter too, since the loader turns CET on only when it
 * and every object it loads are marked (Debian 12's ld.so is not). */
static bool auto_switch(engine *e, const char *name, bool program, bool interp_known, bool interp)
{
    if (program && interp_known && !interp)
        engine_warn(e, "--%s=auto: off, because the program interpreter %s is not %s-marked "
                       "(the loader enables CET only when every object it loads is)",
                    name, e->elf->interp, name);
    return program && (!interp_known || interp);
}

static void resolve_auto(engine *e, const elf_facts *elf)
{
    const run_options *opt = e->opt;
    bool interp_known = false, interp_ibt = false, interp_shstk = false;
    if (elf->has_interp && elf->interp && (opt->ibt == CET_AUTO || opt->shstk == CET_AUTO)) {
        elf_facts interp;
        char err[512];
        interp_known = true;    /* an unreadable loader counts as unmarked */
        if (elf_facts_load(elf->interp, &interp, err, sizeof err) == 0) {
            interp_ibt = interp.prop_ibt;
            interp_shstk = interp.prop_shstk;
            elf_facts_free(&interp);
        }
    }
    e->ibt = opt->ibt == CET_ON ||
             (opt->ibt == CET_AUTO && auto_switch(e, "ibt", elf->prop_ibt, interp_known, interp_ibt));
    e->shstk = opt->shstk == CET_ON ||
               (opt->shstk == CET_AUTO &&
                auto_switch(e, "shstk", elf->prop_shstk, interp_known, interp_shstk));
}

int engine_init(engine *e, rsp_conn *rsp, const run_options *opt, const elf_facts *elf)
{
    memset(e, 0, sizeof *e);
    e->rsp = rsp;
    e->opt = opt;
    e->elf = elf;
    resolve_auto(e, elf);
    shadow_memory_init(&e->shadow);
    module_map_init(&e->modules);
    code_cache_init(&e->code, rsp);
    if (addr_map_init(&e->breakpoints, 256) != 0 || addr_map_init(&e->explored, 1024) != 0 ||
        addr_map_init(&e->fusion_status, 64) != 0 || addr_map_init(&e->fusion_owner, 256) != 0 ||
        addr_map_init(&e->twin_searched, 64) != 0)
        return -1;
    e->deadline = engine_now() + opt->timeout_s;
    e->fusion_disabled = opt->no_fusion;
    return breakpoint_budget_init(e);
}

void engine_free(engine *e)
{
    shadow_memory_free(&e->shadow);
    module_map_free(&e->modules);
    code_cache_free(&e->code);
    addr_map_free(&e->breakpoints);
    addr_map_free(&e->explored);
    breakpoint_budget_free(e);
    free(e->threads);
    free(e->violations);
    free(e->suspended);
    addr_map_free(&e->twin_searched);
    call_fusion_free(e);
    for (size_t i = 0; i < e->nwarnings; i++)
        free(e->warnings[i]);
    free(e->warnings);
}

void engine_warn(engine *e, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < e->nwarnings; i++)
        if (strcmp(e->warnings[i], buf) == 0)
            return;
    char **grown = realloc(e->warnings, (e->nwarnings + 1) * sizeof *grown);
    if (!grown)
        return;
    e->warnings = grown;
    e->warnings[e->nwarnings] = strdup(buf);
    if (e->warnings[e->nwarnings])
        e->nwarnings++;
}

int engine_fail(engine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->end = END_ERROR;
    return -1;
}

static const char concurrent_stops[] =
    "the guest runs several threads, so this is most likely two of them stopping at once, "
    "which QEMU's user-mode gdbstub cannot serve (it has no lock around a thread's stop): "
    "the run was ended rather than guessed at";

bool engine_several_threads(const engine *e)
{
    return e->nthreads > 1 || e->threads_started > 0;
}

static int rsp_fail(engine *e, const char *what)
{
    if (engine_several_threads(e))
        return engine_fail(e, "%s: %s; %s", what, rsp_error(e->rsp), concurrent_stops);
    return engine_fail(e, "%s: %s", what, rsp_error(e->rsp));
}

int engine_rsp_fail(engine *e, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rsp_fail(e, what);
}

/* --- threads ---------------------------------------------------------------- */

guest_thread *engine_thread(engine *e, int64_t tid)
{
    for (size_t i = 0; i < e->nthreads; i++)
        if (e->threads[i].tid == tid)
            return &e->threads[i];
    if (e->nthreads == e->capthreads) {
        size_t cap = e->capthreads ? e->capthreads * 2 : 8;
        guest_thread *t = realloc(e->threads, cap * sizeof *t);
        if (!t)
            return NULL;
        e->threads = t;
        e->capthreads = cap;
        e->cur = NULL;
    }
    guest_thread *t = &e->threads[e->nthreads];
    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->number = ++e->thread_numbers;
    /* A new thread gets a new, empty shadow stack (CET.md 3.4). */
    if (shadow_stack_create(&t->ss, &e->shadow, THREAD_SHADOW_STACK_SIZE) != 0)
        return NULL;
    t->ss.enabled = e->shstk;
    e->nthreads++;
    return t;
}

void engine_forget_thread(engine *e, int64_t tid)
{
    for (size_t i = 0; i < e->nthreads; i++) {
        if (e->threads[i].tid != tid)
            continue;
        shadow_stack_destroy(&e->threads[i].ss, &e->shadow);
        e->threads[i] = e->threads[--e->nthreads];
        e->cur = NULL;
        return;
    }
}

/* --- guest access -------------------------------------------------------------- */

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
        return rsp_fail(e, "cannot read registers");
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
            return rsp_fail(e, "cannot read a register");
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

/* --- breakpoints ------------------------------------------------------------- */

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
        return rsp_fail(e, "cannot insert a breakpoint");
    if (addr_map_put(&e->breakpoints, addr, 1) != 0)
        return engine_fail(e, "out of memory");
    e->stats.breakpoints++;
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
        return rsp_fail(e, "cannot remove a breakpoint");
    return 0;
}

static int suspend_breakpoint(engine *e, uint64_t addr)
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

static int restore_suspended(engine *e)
{
    while (e->nsuspended > 0)
        if (engine_insert_breakpoint(e, e->suspended[--e->nsuspended]) != 0)
            return -1;
    return 0;
}

/* --- exploration --------------------------------------------------------------- */

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

/* --- violations -------------------------------------------------------------- */

/* QEMU's stub points its register thread ("Hg") and its resume thread ("Hc") at each
 * thread that stops, and since 8.2 a thread that stops while another is being served
 * sends no stop reply but still takes them over.  With several threads, name the
 * stopped thread explicitly before reading its registers and before resuming it at an
 * address, or the harness would read, write and move another thread. */
static int select_stopped_thread(engine *e, char op)
{
    if (!engine_several_threads(e) || !e->cur || e->cur->tid <= 0)
        return 0;
    if (rsp_select_thread(e->rsp, op, e->cur_pid, e->cur->tid) != RSP_OK)
        return rsp_fail(e, "cannot select the stopped thread");
    return 0;
}

enum { CONFIRM_QUIET_MS = 20 };

/* With several threads, QEMU's stub may have answered this stop's register reads for
 * another thread that stopped at the same moment (it switches its register thread at
 * every stop), and a violation found in those registers would be the harness's
 * invention.  Before one is reported: name the thread, read its registers again, and
 * make sure nothing else came over the wire. */
static int confirm_registers_are_this_threads(engine *e)
{
    if (!engine_several_threads(e))
        return 0;
    uint64_t rip = e->regs.rip, sp = e->regs.gpr[REG_RSP];
    e->regs_all = false;
    if (select_stopped_thread(e, 'g') != 0 || engine_load_registers(e) != 0)
        return -1;
    if (e->regs.rip != rip || e->regs.gpr[REG_RSP] != sp)
        return engine_fail(e, "thread %d's registers read again differ from those of its stop; %s",
                           e->cur->number, concurrent_stops);
    if (rsp_input_pending(e->rsp, CONFIRM_QUIET_MS))
        return engine_fail(e, "another stop arrived while thread %d's violation was examined; %s",
                           e->cur->number, concurrent_stops);
    return 0;
}

void engine_violation(engine *e, bool ibt, const char *reason, const insn *in,
                      bool has_target, uint64_t target, bool has_expected, uint64_t expected,
                      resume_action *how)
{
    if (confirm_registers_are_this_threads(e) != 0) {
        how->kind = RESUME_KILL;    /* e->end is END_ERROR: no violation, an error */
        return;
    }
    if (e->nviolations >= MAX_VIOLATIONS) {
        e->violations_dropped++;
    } else {
        violation *grown = realloc(e->violations, (e->nviolations + 1) * sizeof *grown);
        if (grown) {
            e->violations = grown;
            violation *v = &e->violations[e->nviolations++];
            memset(v, 0, sizeof *v);
            v->ibt = ibt;
            v->reason = reason;
            v->thread = e->cur->number;
            v->tid = e->cur->tid;
            v->pc = in->addr;
            v->target = target;
            v->has_target = has_target;
            v->expected = expected;
            v->has_expected = has_expected;
            snprintf(v->insn_text, sizeof v->insn_text, "%s", in->text);
            insn t;
            if (has_target && code_cache_decode(&e->code, target, &t) == 0)
                snprintf(v->target_text, sizeof v->target_text, "%s", t.text);
            v->stack_depth = shadow_stack_dump(&e->cur->ss, &e->shadow, v->stack, SHADOW_DUMP_MAX);
        }
    }
    if (e->opt->verbose)
        fprintf(stderr, "cetharness: %s violation (%s) at 0x%llx\n", ibt ? "ibt" : "shstk",
                reason, (unsigned long long)in->addr);
    if (e->opt->on_violation == ON_VIOLATION_STOP) {
        how->kind = RESUME_KILL;
    } else if (e->opt->on_violation == ON_VIOLATION_SIGNAL) {
        how->kind = RESUME_SIGNAL;
        how->gdb_signal = linux_signal_to_gdb(11);
        e->injected_signal = 11;
    }
    /* ON_VIOLATION_CONTINUE: the handler's own resume stands. */
}

/* --- running over an instruction natively ------------------------------------- */

int engine_run_to(engine *e, bool has_to, uint64_t to, bool in_syscall, resume_action *how)
{
    guest_thread *t = e->cur;
    t->step_pc = e->regs.rip;
    t->in_syscall = in_syscall;
    if (suspend_breakpoint(e, e->regs.rip) != 0)
        return -1;
    how->kind = RESUME_CONTINUE;
    if (!has_to) {
        t->stepping = STEP_NONE;
        return 0;
    }
    t->stepping = STEP_RUN_TO;
    t->step_to = to;
    t->step_to_temporary = !addr_map_get(&e->breakpoints, to, NULL);
    return engine_insert_breakpoint(e, to);
}

/* A thread that was running over an instruction stopped: finish that first. */
static int finish_step(engine *e, guest_thread *t)
{
    step_purpose purpose = t->stepping;
    t->stepping = STEP_NONE;
    if (purpose == STEP_RUN_TO && t->step_to_temporary && e->regs.rip == t->step_to)
        if (engine_remove_breakpoint(e, t->step_to) != 0)
            return -1;
    if (t->in_syscall) {
        t->in_syscall = false;
        if (handle_syscall_done(e, t) != 0)
            return -1;
    }
    return engine_explore(e, e->regs.rip);
}

/* --- the loop -------------------------------------------------------------------- */

/* A new stop: forget the previous thread's registers and read this one's.  One "g"
 * (measured: a round trip costs about the same, 40 us, whatever its size) beats the
 * two or three "p" a call or return needs. */
static int read_registers(engine *e)
{
    e->regs_known = 0;
    e->regs_all = false;
    return engine_load_registers(e);
}

static int dispatch_breakpoint(engine *e, resume_action *how)
{
    insn in;
    uint64_t pc = e->regs.rip;
    if (code_cache_decode(&e->code, pc, &in) != 0)
        return e->code.link_failed
                   ? engine_rsp_fail(e, "cannot read the instruction at 0x%llx", (unsigned long long)pc)
                   : engine_fail(e, "cannot read the instruction at 0x%llx", (unsigned long long)pc);
    if (!insn_is_stop_point(&in) || in.kind == INSN_HALT || in.kind == INSN_INVALID) {
        /* Code changed under a breakpoint (or a temporary one): look again from here. */
        if (engine_remove_breakpoint(e, pc) != 0 || engine_explore(e, pc) != 0)
            return -1;
        if (addr_map_get(&e->breakpoints, pc, NULL))
            return dispatch_breakpoint(e, how);
        how->kind = RESUME_CONTINUE;
        return 0;
    }
    stop_handler h = engine_handler_for(in.kind);
    if (!h)
        return engine_fail(e, "no handler for %s at 0x%llx", insn_kind_name(in.kind),
                           (unsigned long long)pc);
    return h(e, &in, how);
}

const char *engine_symbolize(const engine *e, uint64_t addr, char *buf, size_t cap)
{
    if (!*elf_symbolize(e->elf, e->load_bias, addr, buf, cap))
        module_map_symbolize(&e->modules, addr, buf, cap);
    return buf;
}

/* -v: one line a stop, with the instruction and where it is. */
static void trace_stop(engine *e, int signal)
{
    char where[512];
    insn in;
    uint64_t sp = 0;
    engine_reg(e, REG_RSP, &sp);
    bool decoded = code_cache_decode(&e->code, e->regs.rip, &in) == 0;
    fprintf(stderr, "cetharness: stop thread %d sig %d pc 0x%llx <%s> %s rsp 0x%llx\n",
            e->cur->number, signal, (unsigned long long)e->regs.rip,
            engine_symbolize(e, e->regs.rip, where, sizeof where), decoded ? in.text : "?",
            (unsigned long long)sp);
}

static int handle_stop(engine *e, const rsp_stop *st, resume_action *how)
{
    e->stats.stops++;
    guest_thread *t = engine_thread(e, st->has_thread ? st->tid : 0);
    if (!t)
        return engine_fail(e, "out of memory");
    e->cur = t;
    e->cur_pid = st->has_thread ? st->pid : -1;
    if (select_stopped_thread(e, 'g') != 0 || read_registers(e) != 0 || restore_suspended(e) != 0)
        return -1;
    if (e->opt->verbose)
        trace_stop(e, st->signal);
    if (st->signal != GDB_SIGTRAP)
        return handle_signal_stop(e, st->signal, how);
    if (t->stepping != STEP_NONE && finish_step(e, t) != 0)
        return -1;
    if (addr_map_get(&e->breakpoints, e->regs.rip, NULL)) {
        if (breakpoint_budget_check(e) != 0)
            return -1;
        return dispatch_breakpoint(e, how);
    }
    /* A trap that is not ours: a guest int3, or a step that ended between breakpoints. */
    how->kind = RESUME_CONTINUE;
    return 0;
}

static int resume(engine *e, const resume_action *how)
{
    rsp_status s;
    if (e->opt->verbose > 1)
        fprintf(stderr, "cetharness: resume kind %d addr 0x%llx signal %d\n", how->kind,
                (unsigned long long)how->addr, how->gdb_signal);
    code_cache_next_generation(&e->code);
    /* "c ADDR" moves, "s" steps and "C SIG" signals the resume thread. */
    if (how->kind != RESUME_CONTINUE && how->kind != RESUME_KILL && select_stopped_thread(e, 'c') != 0)
        return -1;
    switch (how->kind) {
    case RESUME_CONTINUE_AT: s = rsp_resume(e->rsp, RSP_CONTINUE, 0, true, how->addr); break;
    case RESUME_CONTINUE: s = rsp_resume(e->rsp, RSP_CONTINUE, 0, false, 0); break;
    case RESUME_STEP: e->stats.steps++; s = rsp_resume(e->rsp, RSP_STEP, 0, false, 0); break;
    case RESUME_SIGNAL: s = rsp_resume(e->rsp, RSP_CONTINUE, how->gdb_signal, false, 0); break;
    default: return 0;
    }
    return s == RSP_OK ? 0 : rsp_fail(e, "cannot resume the guest");
}

static int finish_with_stop(engine *e, const rsp_stop *st)
{
    if (st->kind == RSP_STOP_EXITED) {
        e->end = END_EXITED;
        e->exit_code = st->code;
    } else {
        e->end = END_SIGNALED;
        e->exit_signal = gdb_signal_to_linux(st->signal);
        if (e->last_signal == e->exit_signal && e->injected_signal != e->exit_signal) {
            e->crashed = true;
            e->crash_signal = e->exit_signal;
            e->crash_pc = e->last_signal_pc;
            if (engine_several_threads(e))
                engine_warn(e, "the guest runs several threads: when two stop at once, QEMU's "
                               "user-mode gdbstub can apply the harness's register reads and "
                               "writes to the other one, so this crash may be the harness's "
                               "doing, not the program's");
        }
    }
    return 0;
}

static int wait_for_stop(engine *e, rsp_stop *st)
{
    double left = e->deadline - engine_now();
    if (left <= 0) {
        e->end = END_TIMEOUT;
        return 1;
    }
    rsp_status s = rsp_wait_stop(e->rsp, (int)(left * 1000) + 1, st);
    if (s == RSP_OK)
        return 0;
    if (s == RSP_ERR_TIMEOUT) {
        e->end = END_TIMEOUT;
        return 1;
    }
    if (s == RSP_ERR_EOF)
        return engine_fail(e, "QEMU closed the connection without an exit report "
                              "(it died, or the guest called execve)");
    return rsp_fail(e, "lost the stop reply");
}

/* Where the program and its interpreter were loaded: AT_ENTRY and AT_BASE of auxv. */
static void read_auxv(engine *e, uint64_t *at_entry, uint64_t *at_base)
{
    char *data = NULL;
    size_t len = 0;
    *at_entry = *at_base = 0;
    if (rsp_read_xfer(e->rsp, "auxv", "", &data, &len) != RSP_OK) {
        free(data);
        return;
    }
    for (size_t off = 0; off + 16 <= len; off += 16) {
        uint64_t type, value;
        memcpy(&type, data + off, 8);
        memcpy(&value, data + off + 8, 8);
        if (type == 9)
            *at_entry = value;
        else if (type == 7)
            *at_base = value;
    }
    free(data);
}

static void map_segments(engine *e, const elf_facts *f, uint64_t bias)
{
    for (size_t i = 0; i < f->nsegments; i++) {
        const elf_segment *s = &f->segments[i];
        code_cache_set_range(&e->code, s->vaddr + bias, s->vaddr + bias + s->memsz, s->exec, s->write);
    }
}

/* The program's and the loader's segments are known before the first instruction;
 * everything mapped later is learnt from mmap/mprotect. */
static void learn_layout(engine *e)
{
    uint64_t at_entry, at_base;
    read_auxv(e, &at_entry, &at_base);
    e->load_bias = e->elf->is_pie && at_entry ? at_entry - e->elf->entry : 0;
    map_segments(e, e->elf, e->load_bias);
    if (!e->elf->has_interp || !at_base)
        return;
    elf_facts interp;
    char err[512];
    if (elf_facts_load(e->elf->interp, &interp, err, sizeof err) != 0) {
        engine_warn(e, "cannot read the program interpreter: %s", err);
        return;
    }
    map_segments(e, &interp, at_base);
    uint64_t end = 0;
    for (size_t i = 0; i < interp.nsegments; i++)
        if (interp.segments[i].vaddr + interp.segments[i].memsz > end)
            end = interp.segments[i].vaddr + interp.segments[i].memsz;
    if (module_map_add(&e->modules, at_base, end, 0, e->elf->interp) != 0)
        engine_warn(e, "out of memory naming the program interpreter");
    elf_facts_free(&interp);
}

static int start(engine *e, resume_action *how)
{
    rsp_stop st;
    if (rsp_query_stop(e->rsp, &st) != RSP_OK)
        return rsp_fail(e, "QEMU did not report the initial stop");
    e->cur = engine_thread(e, st.has_thread ? st.tid : 0);
    e->cur_pid = st.has_thread ? st.pid : -1;
    if (!e->cur || read_registers(e) != 0)
        return -1;
    learn_layout(e);
    uint64_t pc = e->regs.rip;
    if (engine_explore(e, pc) != 0)
        return -1;
    how->kind = RESUME_CONTINUE;
    if (addr_map_get(&e->breakpoints, pc, NULL))
        return dispatch_breakpoint(e, how);
    return 0;
}

int engine_run(engine *e)
{
    resume_action how = {0};
    if (start(e, &how) != 0)
        return -1;
    for (;;) {
        if (how.kind == RESUME_KILL) {
            if (e->end != END_ERROR)
                e->end = END_STOPPED;
            return 0;
        }
        if (how.kind == RESUME_SIGNAL && e->injected_signal == 0) {
            /* A fault the model raises (#UD, #GP, #PF): a crash if it ends the guest. */
            e->last_signal = gdb_signal_to_linux(how.gdb_signal);
            e->last_signal_pc = e->regs.rip;
        }
        if (resume(e, &how) != 0)
            return -1;
        rsp_stop st;
        int w = wait_for_stop(e, &st);
        if (w != 0)
            return w < 0 ? -1 : 0;
        if (st.kind != RSP_STOP_SIGNAL)
            return finish_with_stop(e, &st);
        memset(&how, 0, sizeof how);
        if (handle_stop(e, &st, &how) != 0)
            return -1;
        if (e->code.link_failed)
            return rsp_fail(e, "cannot read guest code");
    }
}
