/* The log engine on QEMU's "Stopped execution of TB chain" lines, without QEMU: the line
 * names no thread, threads share translated code, and the thread QEMU stopped before a
 * block must lose that block (no transfer from it), not another thread that announced the
 * same block and ran it.  Seen on QEMU 7.2: four threads in fib(), one calls exit_group,
 * and QEMU stops the others. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace/trace_state.h"

TestSuite(trace_stopped);

static engine_config opt = {.ibt = false, .shstk = true, .on_violation = ON_VIOLATION_CONTINUE};
static run_outcome out;
static trace_state s;

static void setup(void)
{
    run_outcome_init(&out, "trace", &opt, NULL);
    cr_assert_eq(trace_state_init(&s, &opt, &out, 4242), 0);
}

static void teardown(void)
{
    trace_state_free(&s);
    run_outcome_free(&out);
}

/* A: call F; F: ret; B (A's return address): nop; jmp B. */
#define BLOCKS                                                                            \
    "----------------\n"                                                                  \
    "IN: a\n"                                                                             \
    "0x00401000:  e8 fb 0f 00 00           callq    0x402000\n"                            \
    "\n"                                                                                  \
    "----------------\n"                                                                  \
    "IN: f\n"                                                                             \
    "0x00402000:  c3                       retq     \n"                                   \
    "\n"                                                                                  \
    "----------------\n"                                                                  \
    "IN: b\n"                                                                             \
    "0x00401005:  90                       nop      \n"                                   \
    "0x00401006:  eb fd                    jmp      0x401005\n"                            \
    "\n"

#define TRACE(vcpu, tb, pc) \
    "Trace " #vcpu ": 0x7f00000" #tb "00 [0000000000000000/0000000000" #pc "/1040c0b3/00080200] \n"
#define STOPPED(tb, pc) "Stopped execution of TB chain before 0x7f00000" #tb "00 [0000000000" #pc "]\n"

static void follow(const char *log)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(write(fds[1], log, strlen(log)), (ssize_t)strlen(log));
    close(fds[1]);
    cr_assert_eq(trace_follow(&s, fds[0]), 0, "%s", out.message);
}

static void expect_clean(void)
{
    cr_assert_eq(out.nviolations, 0, "a violation was reported (thread %d, pc 0x%llx)",
                 out.nviolations ? out.violations[0].thread : 0,
                 out.nviolations ? (unsigned long long)out.violations[0].pc : 0ull);
    cr_assert_eq(out.stats.calls, 2, "calls: %llu", (unsigned long long)out.stats.calls);
    cr_assert_eq(out.stats.rets, 2, "rets: %llu", (unsigned long long)out.stats.rets);
}

/* Both threads announce F; vCPU 1 is stopped, vCPU 2 runs F and returns first: told by
 * vCPU 2 going on to B, and vCPU 1 entering F again. */
Test(trace_stopped, the_thread_that_enters_the_block_again_was_stopped, .init = setup, .fini = teardown)
{
    follow(BLOCKS
           TRACE(1, 1, 401000) TRACE(2, 1, 401000)
           TRACE(1, 2, 402000) TRACE(2, 2, 402000)
           STOPPED(2, 402000)
           TRACE(2, 3, 401005)
           TRACE(1, 2, 402000)
           TRACE(1, 3, 401005));
    expect_clean();
    cr_assert_eq(out.nwarnings, 0, "%s", out.nwarnings ? out.warnings[0] : "");
}

/* The same, the stopped thread going on first: it enters F again, and the other thread
 * then goes on elsewhere. */
Test(trace_stopped, the_stopped_thread_may_go_on_first, .init = setup, .fini = teardown)
{
    follow(BLOCKS
           TRACE(1, 1, 401000) TRACE(2, 1, 401000)
           TRACE(2, 2, 402000) TRACE(1, 2, 402000)
           STOPPED(2, 402000)
           TRACE(2, 2, 402000)
           TRACE(1, 3, 401005)
           TRACE(2, 3, 401005));
    expect_clean();
}

/* One thread announced the block: it is the one, at once. */
Test(trace_stopped, a_block_one_thread_announced_is_that_threads, .init = setup, .fini = teardown)
{
    follow(BLOCKS
           TRACE(1, 1, 401000) TRACE(2, 1, 401000)
           TRACE(1, 2, 402000)
           STOPPED(2, 402000)
           TRACE(2, 2, 402000)
           TRACE(2, 3, 401005)
           TRACE(1, 2, 402000)
           TRACE(1, 3, 401005));
    expect_clean();
}
