/* The plugin engine on streams of records as the plugin writes them, without QEMU:
 * where a vCPU goes after a block becomes the model's calls and returns; a jump after a
 * system call to a handler rt_sigaction installed is a signal's delivery, checked
 * against the restorer the plugin read from the struct sigaction; an asynchronous
 * signal right after a return does not count as the return; QEMU restarting inside a
 * block is no transfer; what nothing explains is said once; children, what they ran and
 * an exec are noted as not checked; a vCPU index reused after a thread ended is a new
 * thread. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plugin/plugin_run.h"

TestSuite(plugin_records);

/* The guest, as blocks the plugin would describe. */
enum {
    MAIN = 0x1000,      /* call f */
    AFTER_CALL = 0x1005, /* mov eax, 62; syscall (kill: a signal comes) */
    AFTER_KILL = 0x100c, /* mov eax, 60; syscall */
    F = 0x2000,          /* ret */
    HANDLER = 0x3000,    /* ret */
    RESTORER = 0x4000,   /* mov eax, 15; syscall */
    ELSEWHERE = 0x5000,  /* nop */
    LOOP = 0x6000,       /* nop; jmp LOOP */
    SYSCALL_INSN = 0x100a,
    SIGUSR1 = 10, SA_RESTORER = 0x04000000,
};

typedef struct block_def { uint32_t id; uint64_t pc; uint8_t n; uint8_t lens[4]; uint8_t bytes[16]; } block_def;

static const block_def blocks[] = {
    {0, MAIN, 1, {5}, {0xe8, 0xfb, 0x0f, 0x00, 0x00}},
    {1, AFTER_CALL, 2, {5, 2}, {0xb8, 0x3e, 0, 0, 0, 0x0f, 0x05}},
    {2, AFTER_KILL, 2, {5, 2}, {0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05}},
    {3, F, 1, {1}, {0xc3}},
    {4, HANDLER, 1, {1}, {0xc3}},
    {5, RESTORER, 2, {5, 2}, {0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05}},
    {6, ELSEWHERE, 1, {1}, {0x90}},
    {7, LOOP, 2, {1, 2}, {0x90, 0xeb, 0xfd}},
    {8, SYSCALL_INSN, 1, {2}, {0x0f, 0x05}},
};

static engine_config opt = {.ibt = true, .shstk = true, .on_violation = ON_VIOLATION_CONTINUE};
static run_outcome out;
static trace_state core;
static plugin_run p;

static void setup(void)
{
    run_outcome_init(&out, "plugin", &opt, NULL);
    cr_assert_eq(trace_state_init(&core, &opt, &out, 4242), 0);
    core.dispositions_known = true;
    memset(&p, 0, sizeof p);
    p.core = &core;
    p.last_vcpu = -1;
}

static void teardown(void)
{
    plugin_calls_free(&p);
    free(p.block_of);
    trace_state_free(&core);
    run_outcome_free(&out);
}

static void feed(const void *record)
{
    const cs_hdr *h = record;
    cr_assert_eq(plugin_on_record(&p, h), 0, "record of type %u: %s", CS_WORD_TYPE(h->word),
                 out.message);
}

static void small(cs_type type, unsigned flags, unsigned vcpu, uint32_t a, uint32_t b)
{
    cs_small r = {{CS_WORD(type, flags, vcpu), sizeof r}, a, b};
    feed(&r);
}

static void describe_blocks(void)
{
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        const block_def *d = &blocks[i];
        uint64_t buf[16] = {0};
        cs_tb *r = (cs_tb *)buf;
        unsigned nbytes = 0;
        for (unsigned k = 0; k < d->n; k++)
            nbytes += d->lens[k];
        *r = (cs_tb){{CS_WORD(CS_TB, 0, 0), CS_ALIGN8(sizeof *r + d->n + nbytes)}, d->pc, d->id,
                     d->n, (uint16_t)nbytes};
        memcpy(r + 1, d->lens, d->n);
        memcpy((uint8_t *)(r + 1) + d->n, d->bytes, nbytes);
        feed(r);
    }
}

static uint32_t id_at(uint64_t pc)
{
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (blocks[i].pc == pc)
            return blocks[i].id;
    cr_assert_fail("no block at 0x%llx", (unsigned long long)pc);
    return 0;
}

static void go(unsigned vcpu, uint64_t from, uint64_t to)
{
    small(CS_XFER, CS_XFER_REACHED, vcpu, id_at(from), id_at(to));
}

static void syscall_entry(unsigned vcpu, int64_t num, uint64_t a0, uint64_t a1)
{
    cs_syscall r = {{CS_WORD(CS_SYSCALL, 0, vcpu), sizeof r}, num, {a0, a1, 0, 0, 0, 0}};
    feed(&r);
}

static void syscall_return(unsigned vcpu, int64_t num, int64_t ret)
{
    cs_sysret r = {{CS_WORD(CS_SYSRET, 0, vcpu), sizeof r}, num, ret};
    feed(&r);
}

static void syscall_memory(unsigned vcpu, int64_t num, unsigned arg, unsigned flags,
                           const void *data, uint32_t len)
{
    uint64_t buf[32] = {0};
    cs_sysmem *r = (cs_sysmem *)buf;
    *r = (cs_sysmem){{CS_WORD(CS_SYSMEM, flags, vcpu), CS_ALIGN8(sizeof *r + len)}, num, arg, len};
    memcpy(r + 1, data, len);
    feed(r);
}

/* rt_sigaction(SIGUSR1, {HANDLER, SA_RESTORER, RESTORER}) on vCPU 0. */
static void install_handler(void)
{
    const uint64_t act[4] = {HANDLER, SA_RESTORER, RESTORER, 0};
    syscall_entry(0, 13, SIGUSR1, 0x7000);
    syscall_memory(0, 13, 1, 0, act, sizeof act);
    syscall_return(0, 13, 0);
}

static void start(void)
{
    small(CS_HELLO, 0, 0, CS_FORMAT_VERSION, 4242);
    describe_blocks();
    small(CS_THREAD, 0, 0, 4242, 0);
    install_handler();
}

static size_t shadow_depth(unsigned vcpu)
{
    uint64_t entries[8];
    return cet_model_shadow_dump(core.model, vcpu + 1, entries, 8);
}

static bool warned(const char *needle)
{
    for (size_t i = 0; i < out.nwarnings; i++)
        if (strstr(out.warnings[i], needle))
            return true;
    return false;
}

Test(plugin_records, a_signal_after_a_system_call_runs_its_handler_on_a_signal_frame,
     .init = setup, .fini = teardown)
{
    start();
    go(0, MAIN, F);                 /* call f */
    go(0, F, AFTER_CALL);           /* ret */
    syscall_entry(0, 62, 4242, SIGUSR1);
    syscall_return(0, 62, 0);
    go(0, AFTER_CALL, HANDLER);     /* not where the syscall's block leads: the signal */
    cr_assert_eq(shadow_depth(0), 2, "the frame: token and restorer");
    go(0, HANDLER, RESTORER);       /* the handler returns to its restorer */
    syscall_entry(0, 15, 0, 0);     /* rt_sigreturn */
    go(0, RESTORER, AFTER_KILL);    /* back where the signal came */
    cr_assert_eq(out.nviolations, 0);
    cr_assert_eq(out.nwarnings, 0, "%s", out.nwarnings ? out.warnings[0] : "");
    cr_assert_eq(shadow_depth(0), 0);
}

/* The log engine cannot see the restorer; the plugin reads it from struct sigaction. */
Test(plugin_records, a_handler_that_returns_elsewhere_than_its_restorer_is_a_violation,
     .init = setup, .fini = teardown)
{
    start();
    syscall_entry(0, 62, 4242, SIGUSR1);
    syscall_return(0, 62, 0);
    go(0, AFTER_CALL, HANDLER);
    go(0, HANDLER, ELSEWHERE);
    cr_assert_eq(out.nviolations, 1);
    cr_assert_str_eq(out.violations[0].reason, "ret-mismatch");
    cr_assert_eq(out.violations[0].pc, HANDLER);
    cr_assert_eq(out.violations[0].expected, RESTORER);
    cr_assert_eq(out.violations[0].tid, 4242);
}

Test(plugin_records, a_signal_right_after_a_return_is_not_taken_for_the_return,
     .init = setup, .fini = teardown)
{
    start();
    go(0, MAIN, F);
    go(0, F, HANDLER);              /* the return ran, then the signal came */
    go(0, HANDLER, RESTORER);
    syscall_entry(0, 15, 0, 0);
    go(0, RESTORER, AFTER_CALL);    /* the return's own target, checked now */
    cr_assert_eq(out.nviolations, 0);
    cr_assert_eq(shadow_depth(0), 0);
    cr_assert_eq(out.stats.rets, 2);
}

Test(plugin_records, qemu_restarting_inside_a_block_is_no_transfer, .init = setup,
     .fini = teardown)
{
    start();
    small(CS_XFER, 0, 0, id_at(AFTER_CALL), id_at(SYSCALL_INSN));   /* a restarted syscall */
    cr_assert_eq(out.nviolations, 0);
    cr_assert_eq(out.nwarnings, 0);
    cr_assert_eq(shadow_depth(0), 0);
}

Test(plugin_records, a_jump_nothing_explains_is_said_once, .init = setup, .fini = teardown)
{
    start();
    small(CS_XFER, 0, 0, id_at(LOOP), id_at(ELSEWHERE));
    small(CS_XFER, 0, 0, id_at(LOOP), id_at(MAIN));
    cr_assert_eq(out.nviolations, 0);
    cr_assert_eq(out.nwarnings, 1);
    cr_assert(warned("by no transfer the plugin engine can place"), "%s", out.warnings[0]);
}

Test(plugin_records, children_and_an_exec_that_did_not_return_are_not_checked,
     .init = setup, .fini = teardown)
{
    start();
    syscall_entry(0, 57, 0, 0);            /* fork */
    syscall_return(0, 57, 4300);
    syscall_entry(0, 56, 0x100, 0);        /* clone(CLONE_VM): a thread, no child */
    syscall_return(0, 56, 4301);
    syscall_entry(0, 56, 0x4100, 0);       /* clone(CLONE_VM|CLONE_VFORK): QEMU forks */
    syscall_return(0, 56, 4302);
    syscall_entry(0, 59, 0x7000, 0x7100);  /* an execve that fails */
    syscall_memory(0, 59, 0, CS_MEM_STRING, "/nope", 6);
    syscall_return(0, 59, -2);
    syscall_entry(0, 59, 0x7200, 0x7300);  /* one that works: it never returns */
    syscall_memory(0, 59, 0, CS_MEM_STRING, "/bin/true", 10);
    syscall_memory(0, 59, 1, CS_MEM_STRING, "true", 5);
    syscall_memory(0, 59, 1, CS_MEM_STRING, "a b", 4);
    plugin_note_exec(&p);
    cr_assert_eq(out.unchecked.children, 2);
    cr_assert_str_eq(out.unchecked.exec_program, "/bin/true");
    cr_assert_eq(out.unchecked.exec_argc, 2);
    cr_assert_str_eq(out.unchecked.exec_argv[1], "a b");
    cr_assert_not(out.unchecked.guest_after_fork, "the guest is still checked after a fork");
    cr_assert_eq(out.nwarnings, 0);
}

Test(plugin_records, a_reused_vcpu_index_is_a_new_thread_with_its_own_stack, .init = setup,
     .fini = teardown)
{
    start();
    small(CS_THREAD, 0, 1, 4300, 0);
    go(1, MAIN, F);                 /* a call left on thread 4300's stack */
    small(CS_VCPU_EXIT, 0, 1, 0, 0);
    small(CS_THREAD, 0, 1, 4301, 0);
    cr_assert_eq(shadow_depth(1), 0);
    cr_assert_eq(core.threads[1].tid, 4301);
    cr_assert_eq(core.threads[1].number, 3);
}

Test(plugin_records, a_block_never_described_ends_the_stream, .init = setup, .fini = teardown)
{
    start();
    cs_small r = {{CS_WORD(CS_XFER, CS_XFER_REACHED, 0), sizeof r}, id_at(MAIN), 99};
    cr_assert_eq(plugin_on_record(&p, &r.h), -1);
    cr_assert(strstr(out.message, "never described"), "%s", out.message);
}

/* A forked child's record of an exec: path with its NUL, padded to 8 bytes. */
static void child_exec(uint32_t pid, const char *path)
{
    struct { cs_child_exec r; char path[64]; } rec;
    uint32_t len = path ? (uint32_t)strlen(path) + 1 : 0;
    memset(&rec, 0, sizeof rec);
    rec.r.h = (cs_hdr){CS_WORD(CS_CHILD_EXEC, path ? 0 : CS_CHILD_EXEC_FAILED, 0),
                       CS_ALIGN8((uint32_t)sizeof rec.r + len)};
    rec.r.pid = pid;
    rec.r.len = len;
    if (path)
        memcpy(rec.path, path, len);
    feed(&rec);
}

/* Each child's latest exec that did not fail is what it ran: a PATH search's failures
 * and a child whose only exec failed name nothing. */
Test(plugin_records, children_name_the_programs_they_ran, .init = setup, .fini = teardown)
{
    start();
    child_exec(500, "/nonexistent/ls");
    child_exec(500, NULL);
    child_exec(500, "/usr/bin/ls");
    child_exec(501, "/nonexistent/program");
    child_exec(501, NULL);
    child_exec(502, "/usr/bin/wc");
    plugin_note_child_execs(&p);
    cr_assert_eq(out.unchecked.nchild_programs, 2);
    cr_assert_str_eq(out.unchecked.child_programs[0], "/usr/bin/ls");
    cr_assert_str_eq(out.unchecked.child_programs[1], "/usr/bin/wc");
}
