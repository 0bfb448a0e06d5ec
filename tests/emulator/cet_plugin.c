/* cet_plugin.c - a small CET-enforcing "emulator under test" for conformance mode.
 *
 * A TCG plugin for Debian 12's qemu-x86_64 (QEMU 7.2, plugin API v1).  It models Intel
 * CET user mode "the simple way", from instruction addresses and bytes alone (API v1
 * gives no register or memory access):
 *   - a shadow stack per vCPU (= guest thread in linux-user): near CALL pushes the
 *     return address (not CALL rel32 with displacement 0, as on hardware); RET and
 *     RET imm16 pop it and the next instruction the vCPU executes must be there, else
 *     #CP(near-ret) at the RET.  Far CALL/RET are modelled the same way (#CP(far-ret));
 *   - IBT with NO_TRACK_EN=1: after an indirect CALL/JMP without a 3E (NOTRACK) prefix,
 *     and after every far CALL/JMP, the next instruction must be ENDBR64 (or INT3), else
 *     #CP(endbranch) at that target.
 * Both are on from the first instruction.  A #CP prints one line on stderr,
 *   cet-plugin: #CP(near-ret) at 0x401234
 * and ends the process with _exit(139) (delivery=exit) or abort() (delivery=abort).
 *
 * Plugin arguments (-plugin libcetplugin.so,ARG,ARG...):
 *   delivery=exit|abort   how a #CP ends the process (default exit)
 *   shstk=on|off, ibt=on|off   which half of CET is on (default both), for cases whose
 *                         `; options:` turn one off
 *   bug=NAME              inject an emulator bug, may be repeated; NAME is one of
 *                         notrack-ignored, call-next-pushed, endbr32-accepted,
 *                         ret-imm-unchecked, no-shstk, no-ibt
 *
 * Signals.  Hardware and kernel push a frame on the shadow stack at signal delivery
 * (token + restorer) that rt_sigreturn removes, but QEMU does not tell a plugin when it
 * delivers a signal.  The plugin infers it: an instruction that is no possible successor
 * of the one the vCPU executed before (see `struct vcpu`) was reached by signal
 * delivery, and it then pushes a frame whose restorer slot any `mov eax|rax, 15` (the
 * start of every restorer) satisfies, as it cannot read sa_restorer.  rt_sigreturn
 * (syscall 15) unwinds to that frame.
 *
 * Known limitations, all consequences of seeing neither registers nor memory:
 *   - after a RET or an indirect branch any next address is possible, so a signal
 *     delivered right there is taken for the branch target and gives a false #CP, as
 *     can a signal delivered right after rt_sigreturn.  Only asynchronous signals
 *     (timers, other threads) arrive there: QEMU delivers them between translation
 *     blocks, and every RET ends one.  Synchronous ones follow a system call or a
 *     faulting instruction and are recognised;
 *   - INCSSP, RSTORSSP, SAVEPREVSSP, WRSS, RDSSP and the CET system calls are left to
 *     QEMU (RDSSP reads 0, so longjmp and C++ unwinders believe the shadow stack is off
 *     and leave it unbalanced: the next RET then faults);
 *   - a RET on an empty shadow stack, a #PF on hardware, and a bad sigframe token at
 *     rt_sigreturn, a SIGSEGV from the kernel, are not reported.
 */
#include "cet_model.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qemu/qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* ---- options ---- */

struct cet_options cet_opt = { .shstk = true, .ibt = true };

static bool parse_bug(const char *name)
{
    if (strcmp(name, "notrack-ignored") == 0)
        cet_opt.notrack_ignored = true;
    else if (strcmp(name, "call-next-pushed") == 0)
        cet_opt.call_next_pushed = true;
    else if (strcmp(name, "endbr32-accepted") == 0)
        cet_opt.endbr32_accepted = true;
    else if (strcmp(name, "ret-imm-unchecked") == 0)
        cet_opt.ret_imm_unchecked = true;
    else if (strcmp(name, "no-shstk") == 0)
        cet_opt.shstk = false;
    else if (strcmp(name, "no-ibt") == 0)
        cet_opt.ibt = false;
    else
        return false;
    return true;
}

static bool parse_arg(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        return false;
    size_t klen = (size_t)(eq - arg);
    const char *val = eq + 1;
    char key[32];
    if (klen >= sizeof key)
        return false;
    memcpy(key, arg, klen);
    key[klen] = '\0';

    if (strcmp(key, "bug") == 0)
        return parse_bug(val);
    if (strcmp(key, "delivery") == 0) {
        cet_opt.abort_delivery = strcmp(val, "abort") == 0;
        return cet_opt.abort_delivery || strcmp(val, "exit") == 0;
    }
    if (strcmp(key, "shstk") == 0)
        return qemu_plugin_bool_parse(key, val, &cet_opt.shstk);
    if (strcmp(key, "ibt") == 0)
        return qemu_plugin_bool_parse(key, val, &cet_opt.ibt);
    return false;
}

/* ---- #CP delivery ---- */

/* QEMU catches SIGABRT to pass it on to the guest, and blocks host signals in this
 * thread until the guest has taken it, so a bare abort() would end in QEMU reporting a
 * guest SIGSEGV (glibc's last resort, HLT).  Restore the default and unblock first. */
static _Noreturn void abort_for_real(void)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigset_t abrt;
    sigaction(SIGABRT, &dfl, NULL);
    sigemptyset(&abrt);
    sigaddset(&abrt, SIGABRT);
    pthread_sigmask(SIG_UNBLOCK, &abrt, NULL);
    abort();
}

/* Two threads may fault at once; only the first one reports, the other waits for the
 * process to end so that stderr holds exactly one line. */
_Noreturn void cet_raise_cp(const char *reason, uint64_t pc)
{
    static atomic_flag reported = ATOMIC_FLAG_INIT;
    if (atomic_flag_test_and_set(&reported)) {
        for (;;)
            pause();
    }
    char line[80];
    int n = snprintf(line, sizeof line, "cet-plugin: #CP(%s) at 0x%" PRIx64 "\n", reason, pc);
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nothing left to tell anyone */
    }
    if (cet_opt.abort_delivery)
        abort_for_real();
    _exit(128 + 11);
}

/* ---- QEMU glue ---- */

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index)
{
    (void)id;
    cet_vcpu_init(vcpu_index);
}

static void on_insn_exec(unsigned int vcpu_index, void *udata)
{
    cet_insn_exec(vcpu_index, udata);
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num,
                       uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                       uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8)
{
    (void)id; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6; (void)a7; (void)a8;
    cet_syscall(vcpu_index, num);
}

/* The instruction bytes are only readable now, at translation, so each instruction is
 * classified once per translation.  The records are never freed: API v1 does not say
 * when a translation is dropped, and they are small. */
static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        struct insn *in = malloc(sizeof *in);
        if (!in) {
            fputs("cet-plugin: out of memory\n", stderr);
            abort();
        }
        size_t len = qemu_plugin_insn_size(qi);
        in->pc = qemu_plugin_insn_vaddr(qi);
        in->next = in->pc + len;
        classify_insn(qemu_plugin_insn_data(qi), len, in->pc, &in->c);
        qemu_plugin_register_vcpu_insn_exec_cb(qi, on_insn_exec, QEMU_PLUGIN_CB_NO_REGS, in);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (!parse_arg(argv[i])) {
            fprintf(stderr, "cet-plugin: bad argument '%s' (want delivery=exit|abort, "
                    "shstk=on|off, ibt=on|off or bug=NAME)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    return 0;
}
