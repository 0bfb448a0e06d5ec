/* Conformance grading (engine/conformance.c, conformance_end.c) against a scripted
 * gdbstub.  No real emulator delivers a #CP as Linux does (SIGSEGV, si_code
 * SEGV_CPERR), so the stub's answers are written here: the peer end of a socketpair
 * holds, before each call, the bytes a stub would send ('+' for the request, then the
 * reply to qXfer:siginfo:read), and what the client wrote is read back afterwards. */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/engine.h"
#include "rsp.h"

enum { TID = 4242, SIGILL_NR = 4, SIGSEGV_NR = 11, SEGV_MAPERR = 1, SEGV_CPERR = 10 };

/* A RET whose return address was overwritten, and an indirect call to a target
 * without ENDBR64. */
static const uint64_t RET_PC = 0x401013, RET_TARGET = 0x401040, SHADOW_TOP = 0x40101d;
static const uint64_t CALL_PC = 0x401007, LANDING = 0x40100a;

static const engine_config config = {.ibt = true, .shstk = true, .conformance = true,
                                     .timeout_s = 10};
static engine e;
static int peer = -1;

static void setup(void)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    rsp_conn *conn = rsp_from_fd(sv[0]);
    cr_assert_not_null(conn);
    rsp_set_reply_timeout(conn, 2000);
    peer = sv[1];
    cr_assert_eq(engine_init(&e, conn, &config, NULL), 0);
    cr_assert(e.conf.on);
    e.cur = engine_thread(&e, TID);  /* THREAD_START for the model too */
    cr_assert_not_null(e.cur);
    e.cur_pid = TID;
    e.regs_all = true;               /* no register read goes to the stub */
    e.regs_known = (1u << 17) - 1;
}

static void teardown(void)
{
    rsp_conn *conn = e.rsp;
    engine_free(&e);
    rsp_close(conn);
    close(peer);
}

TestSuite(conformance_grading, .init = setup, .fini = teardown);

/* --- the stub -------------------------------------------------------------- */

/* Queue '+' (the stub's ack of the request to come) and the reply "$payload#cs",
 * with the stub's escapes: # $ } * go as '}' then the byte ^ 0x20. */
static void stub_reply(const void *payload, size_t n)
{
    char wire[2 * 256 + 8];
    size_t w = 0;
    wire[w++] = '+';
    wire[w++] = '$';
    size_t body = w;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = ((const uint8_t *)payload)[i];
        if (b == '#' || b == '$' || b == '}' || b == '*') {
            wire[w++] = '}';
            b ^= 0x20;
        }
        wire[w++] = (char)b;
    }
    w += (size_t)snprintf(wire + w, sizeof wire - w, "#%02x", rsp_checksum(wire + body, w - body));
    cr_assert_eq(write(peer, wire, w), (ssize_t)w);
}

/* The reply to qXfer:siginfo:read: 'l' and the 128-byte siginfo.  si_errno holds the
 * four bytes that need escapes, so that a wrong unescape would move si_code. */
static void stub_siginfo(int32_t signo, int32_t code)
{
    uint8_t reply[1 + 128] = {'l'};
    int32_t head[3] = {signo, 0x7d2a2423 /* bytes # $ * } */, code};
    memcpy(reply + 1, head, sizeof head);
    stub_reply(reply, sizeof reply);
}

/* A stub without qXfer:siginfo answers with an empty packet. */
static void stub_unsupported(void)
{
    stub_reply("", 0);
}

/* Everything the client wrote to the stub so far (it is all there: every call is
 * synchronous). */
static const char *stub_heard(void)
{
    static char buf[4096];
    size_t n = 0;
    struct pollfd pfd = {.fd = peer, .events = POLLIN};
    while (n < sizeof buf - 1 && poll(&pfd, 1, 0) > 0) {
        ssize_t r = read(peer, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return buf;
}

static void expect_siginfo_read(void)
{
    const char *heard = stub_heard();
    cr_assert(strncmp(heard, "$qXfer:siginfo:read::0,", 23) == 0, "client sent '%s'", heard);
}

static void expect_nothing_sent(void)
{
    const char *heard = stub_heard();
    cr_assert_str_empty(heard, "client sent '%s'", heard);
}

/* --- the engine's side ------------------------------------------------------ */

static void predict(cet_cp_code cp, const char *reason, uint64_t pc, const char *text,
                    uint64_t target)
{
    cet_verdict v = {.outcome = CET_FAULT_CP, .cp = cp, .reason = reason,
                     .has_expected = cp == CP_NEAR_RET, .expected = SHADOW_TOP};
    insn in = {.addr = pc};
    snprintf(in.text, sizeof in.text, "%s", text);
    conformance_predict_cp(&e, &v, &in, target);
}

static void predict_ret_cp(void)
{
    predict(CP_NEAR_RET, "ret-mismatch", RET_PC, "ret", RET_TARGET);
    cr_assert_eq(e.conf.cp.place, RET_PC);
}

static void predict_endbranch_cp(void)
{
    predict(CP_ENDBRANCH, "missing-endbranch", CALL_PC, "call rax", LANDING);
    cr_assert_eq(e.conf.cp.place, LANDING, "endbranch #CP is raised at the target");
}

/* The current thread stopped with Linux signal sig at pc. */
static void signal_stop(int sig, uint64_t pc)
{
    bool ended = !e.conf.has_finding;
    e.regs.rip = pc;
    cr_assert_eq(conformance_on_signal(&e, sig, &ended), 0);
    cr_assert_eq(ended, e.conf.has_finding, "ended must follow the finding");
}

/* "conforms" for no finding. */
static void expect_verdict(const char *name)
{
    const char *got = e.conf.has_finding ? conformance_verdict_name(e.conf.finding.verdict)
                                         : conformance_verdict_name(CONFORMS);
    cr_assert_str_eq(got, name, "verdict %s (expected %s): %s", got, name, e.conf.finding.detail);
}

static void expect_finding_at(const char *name, uint64_t pc)
{
    expect_verdict(name);
    cr_assert(e.conf.finding.has_pc);
    cr_assert_eq(e.conf.finding.pc, pc, "finding at 0x%llx, expected 0x%llx",
                 (unsigned long long)e.conf.finding.pc, (unsigned long long)pc);
}

static void expect_detail_mentions(const char *words)
{
    cr_assert(strstr(e.conf.finding.detail, words), "detail lacks '%s': %s", words,
              e.conf.finding.detail);
}

/* --- a signal stop ---------------------------------------------------------- */

Test(conformance_grading, cp_delivered_as_linux_does_conforms)
{
    predict_ret_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_CPERR);
    signal_stop(SIGSEGV_NR, RET_PC);
    expect_siginfo_read();
    expect_verdict("conforms");
    cr_assert_eq(e.conf.predicted_cps, 1);
    cr_assert_eq(e.conf.delivered_cps, 1);
    cr_assert_eq(e.conf.siginfo, 1, "si_code was checked");
    cr_assert_not(e.conf.cp.active, "the prediction is settled");
    cr_assert_eq(e.out.nwarnings, 0);
}

Test(conformance_grading, segv_maperr_is_wrong_delivery)
{
    predict_ret_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_MAPERR);
    signal_stop(SIGSEGV_NR, RET_PC);
    expect_siginfo_read();
    expect_finding_at("wrong-delivery", RET_PC);
    expect_detail_mentions("SEGV_CPERR");
    expect_detail_mentions("si_code 1");
    cr_assert_eq(e.conf.delivered_cps, 0);
}

Test(conformance_grading, sigill_is_wrong_delivery)
{
    predict_ret_cp();
    signal_stop(SIGILL_NR, RET_PC);
    expect_nothing_sent();  /* si_code is read for SIGSEGV only */
    expect_finding_at("wrong-delivery", RET_PC);
    expect_detail_mentions("signal 4");
    cr_assert_eq(e.conf.siginfo, 0, "siginfo untried");
}

Test(conformance_grading, cp_after_the_ret_is_wrong_place)
{
    predict_ret_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_CPERR);
    signal_stop(SIGSEGV_NR, RET_TARGET);  /* the emulator carried out the RET first */
    expect_siginfo_read();
    expect_finding_at("wrong-place", RET_TARGET);
    expect_detail_mentions("0x401013");
    cr_assert_eq(e.conf.delivered_cps, 0);
}

Test(conformance_grading, endbranch_cp_at_target_conforms)
{
    predict_endbranch_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_CPERR);
    signal_stop(SIGSEGV_NR, LANDING);
    expect_siginfo_read();
    expect_verdict("conforms");
    cr_assert_eq(e.conf.delivered_cps, 1);
}

Test(conformance_grading, endbranch_cp_at_branch_is_wrong_place)
{
    predict_endbranch_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_CPERR);
    signal_stop(SIGSEGV_NR, CALL_PC);
    expect_siginfo_read();
    expect_finding_at("wrong-place", CALL_PC);
    expect_detail_mentions("endbranch");
}

Test(conformance_grading, unpredicted_cperr_is_spurious_cp)
{
    stub_siginfo(SIGSEGV_NR, SEGV_CPERR);
    signal_stop(SIGSEGV_NR, RET_PC);
    expect_siginfo_read();
    expect_finding_at("spurious-cp", RET_PC);
    cr_assert_eq(e.conf.predicted_cps, 0);
}

Test(conformance_grading, programs_own_segfault_conforms)
{
    stub_siginfo(SIGSEGV_NR, SEGV_MAPERR);
    signal_stop(SIGSEGV_NR, 0x401100);
    expect_siginfo_read();
    expect_verdict("conforms");
    cr_assert_eq(e.conf.siginfo, 1);
}

Test(conformance_grading, stub_without_siginfo_warns_and_conforms)
{
    predict_ret_cp();
    stub_unsupported();
    signal_stop(SIGSEGV_NR, RET_PC);
    expect_siginfo_read();
    expect_verdict("conforms");
    cr_assert_eq(e.conf.siginfo, -1);
    cr_assert_eq(e.conf.delivered_cps, 1);
    cr_assert_eq(e.out.nwarnings, 1);
    cr_assert(strstr(e.out.warnings[0], "si_code not checked"), "warning: %s", e.out.warnings[0]);

    /* Not asked again: the program's own SIGSEGV later passes unread. */
    signal_stop(SIGSEGV_NR, 0x401100);
    expect_nothing_sent();
    expect_verdict("conforms");
}

/* --- after a step ----------------------------------------------------------- */

Test(conformance_grading, no_cp_after_one_more_insn_is_missed_cp)
{
    bool again, ended;
    predict_ret_cp();
    e.regs.rip = RET_TARGET;  /* the emulator carried out the RET */
    cr_assert_eq(conformance_after_step(&e, &again, &ended), 0);
    cr_assert(again, "one more instruction for an emulator that checks at the next fetch");
    cr_assert_not(ended);
    expect_verdict("conforms");

    e.regs.rip = RET_TARGET + 5;
    cr_assert_eq(conformance_after_step(&e, &again, &ended), 0);
    cr_assert_not(again);
    cr_assert(ended);
    expect_finding_at("missed-cp", RET_PC);
    expect_detail_mentions("went on to 0x401045");
    expect_detail_mentions("0x40101d");  /* what the shadow stack holds */
    cr_assert_eq(e.conf.finding.stack_depth, 0, "the model's (empty) shadow stack");
    expect_nothing_sent();
}

/* --- how the run ended ------------------------------------------------------ */

static void run_ended(run_end how, const char *tail)
{
    e.out.end = how;
    e.regs.rip = 0x401100;
    conformance_grade_end(&e, "ended QEMU (exit 1)", tail);
    cr_assert_str_eq(e.conf.emulator_stderr, tail, "the emulator's last words are kept");
    expect_nothing_sent();
}

Test(conformance_grading, emulator_reports_cp_at_place_is_wrong_delivery)
{
    predict_ret_cp();
    run_ended(END_ERROR, "cet-plugin: #CP(near-ret) at 0x401013\n");
    expect_finding_at("wrong-delivery", RET_PC);
    expect_detail_mentions("ended QEMU (exit 1)");
}

Test(conformance_grading, emulator_reports_cp_elsewhere_is_wrong_place)
{
    predict_ret_cp();
    run_ended(END_ERROR, "cet-plugin: #CP(near-ret) at 0x401040\n");
    expect_finding_at("wrong-place", RET_TARGET);
}

Test(conformance_grading, the_cp_line_decides_over_later_lines)
{
    predict_ret_cp();
    run_ended(END_ERROR, "cet-plugin: #CP(near-ret) at 0x401013\n"
                         "qemu: fatal: cpu_loop_exit at 0x7f0000001000\n");
    expect_finding_at("wrong-delivery", RET_PC);
}

Test(conformance_grading, without_cp_line_the_last_line_gives_the_address)
{
    predict_ret_cp();
    run_ended(END_ERROR, "warning: guest mapped 0x7f0000001000\n"
                         "cet-plugin: shadow stack mismatch at 0x401013, aborting\n");
    expect_finding_at("wrong-delivery", RET_PC);
}

Test(conformance_grading, unpredicted_cp_message_is_spurious_cp)
{
    run_ended(END_ERROR, "cet-plugin: #CP(endbranch) at 0x40100a\n");
    expect_finding_at("spurious-cp", LANDING);
}

Test(conformance_grading, emulator_crash_is_emulator_error)
{
    run_ended(END_ERROR, "qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n"
                         "Segmentation fault\n");
    expect_finding_at("emulator-error", 0x401100);
    expect_detail_mentions("ended QEMU (exit 1)");
}

Test(conformance_grading, guest_exit_with_cp_pending_is_missed_cp)
{
    predict_ret_cp();
    run_ended(END_EXITED, "");
    expect_finding_at("missed-cp", RET_PC);
    expect_detail_mentions("ran on to the end of the guest");
}

Test(conformance_grading, first_finding_is_the_verdict)
{
    predict_ret_cp();
    stub_siginfo(SIGSEGV_NR, SEGV_MAPERR);
    signal_stop(SIGSEGV_NR, RET_PC);
    expect_siginfo_read();
    run_ended(END_ERROR, "Segmentation fault\n");
    expect_finding_at("wrong-delivery", RET_PC);
}
