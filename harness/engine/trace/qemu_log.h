/* Reader of the log `qemu-x86_64 -d in_asm,exec,nochain -strace -D FILE` writes: it turns
 * the text into records (a translated block, a block executed, a system call, a signal
 * delivered) without stopping the guest.  The trace engine reads a live log through a
 * FIFO with it; it knows nothing of CET.
 *
 * What the log looks like (QEMU 7.2, 10.0 and 11.1 measured; the reader accepts all):
 *
 *   ----------------                                     a translated block: dashes,
 *   IN: main                                             "IN: " and the symbol (may be
 *   0x00401030:  b8 9e 00 00 00           movl  $0x9e, %eax     empty), one line per
 *   0x00401035:  48 c7 44 24 b8 00 10 00  movq  $0x1000, -0x48(%rsp)  instruction (bytes
 *   0x0040103d:  00                                      past the 8th on a line of their
 *                                                        own), an empty line
 *   Trace 0: 0x7f5710000100 [0000000000000000/0000000000401030/1040c0b3/00000200] main
 *   Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200]    (10.0, 11.1)
 *             vCPU, host code, [cs_base/pc/flags/cflags], symbol
 *   Stopped execution of TB chain before 0x7ff1f1600980 [0000000000401110]
 *             the block just announced by a Trace line at that host code did NOT run
 *   17672 arch_prctl(20481,1,0,0,0,0) = -1 errno=22 (Invalid argument)
 *   --- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=NULL} ---
 *
 * Every record is written and flushed whole under QEMU's log lock, except a system call:
 * its call ("tid name(args)") and its result (" = value\n") are two writes, and a call
 * that blocks or is overtaken by another thread has the other thread's record glued
 * after it on the same line ("...futex(...)Trace 1: ...") and its result later on a line
 * of its own (" = 0"), which names no thread.  The reader keeps such calls pending and
 * returns each one when its result arrives (see qlog_record.result_ambiguous), so a
 * call's record can come after records of things that happened while it ran (a new
 * thread's blocks before its clone returns). 
 *
 * The number before a system call is the thread id from QEMU 9.2 on; QEMU 9.1 and older
 * (Debian 12's 7.2) print the process id for every thread.  Signal lines name no thread
 * in any version.  A forked child writes to the same log, with vCPU 0 like its parent. */
#ifndef HARNESS_TRACE_QEMU_LOG_H
#define HARNESS_TRACE_QEMU_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum qlog_kind {
    QLOG_BLOCK,      /* a translated block: .insns (in order), .ninsns */
    QLOG_EXEC,       /* a block executed: .vcpu, .pc */
    QLOG_SYSCALL,    /* a system call: .tid, .name, .args[.nargs], .has_result/.result
                        (a split call gives one record when its result arrives, or with
                        has_result false when it never returns: exit, execve that works) */
    QLOG_SYSCALL_WAITING, /* only after qlog_announce_waiting_calls: a system call whose
                        result is not in the log yet (it blocks, or another thread's record
                        came first): .tid, .name, .args as its QLOG_SYSCALL record will have
                        them, which comes later with the same .call_id */
    QLOG_SIGNAL,     /* a signal delivered: .signo, .si_code (has_si_code), .tid if known (else -1) */
    QLOG_OTHER,      /* a line of nothing the engine needs (.line holds it) */
} qlog_kind;

typedef struct qlog_insn { uint64_t addr; uint8_t len; uint8_t bytes[15]; } qlog_insn;

typedef struct qlog_record {
    qlog_kind kind;
    int vcpu; uint64_t pc;                   /* QLOG_EXEC */
    const qlog_insn *insns; size_t ninsns;   /* QLOG_BLOCK; valid until the next qlog_next */
    int64_t tid;                             /* QLOG_SYSCALL, QLOG_SIGNAL (-1: unknown) */
    char name[32]; uint64_t args[6]; int nargs;
    bool has_result; int64_t result;         /* -errno on failure, as the kernel returns */
    int signo, si_code; bool has_si_code;
    const char *line;                        /* QLOG_OTHER: the line, without newline */

    /* Additions to the interface above.  Strings are valid until the next qlog_next. */
    uint64_t tb;            /* QLOG_EXEC, exec_stopped: host address of the translated code */
    const char *symbol;     /* QLOG_BLOCK, QLOG_EXEC: the symbol QEMU names ("" if none) */
    bool exec_stopped;      /* QLOG_OTHER "Stopped execution of TB chain before": the block
                               at .pc/.tb did not run; it cancels the latest QLOG_EXEC of
                               one vCPU whose latest QLOG_EXEC had this .tb.  .vcpu: the
                               last of them to announce it (-1 when none had); threads share
                               translated code, so it may be another (trace_stopped.c) */
    bool block_incomplete;  /* QLOG_BLOCK: QEMU could not show all of it ("unable to read
                               memory", "Disassembler disagrees with translator") */
    bool truncated;         /* the log ended inside this record (QEMU killed mid-write):
                               a block with the instructions seen, or QLOG_OTHER */
    const char *argstr[6];  /* QLOG_SYSCALL: each argument's text as printed
                               ("PROT_READ|PROT_EXEC", "\"x,y\"", "{tv_sec = 0,...}") */
    unsigned numeric_args;  /* bit i: args[i] is a value (a number, NULL, a signal name);
                               otherwise args[i] is 0 and only argstr[i] says what it was */
    bool returned;          /* QLOG_SYSCALL: QEMU printed the return; has_result can still be
                               false (QEMU prints " = " alone after a wait4 that stored a
                               status) */
    bool result_ambiguous;  /* more than one call could own this result line (it names no
                               thread): given by a heuristic (calls that cannot return that
                               value are out; then the first of the candidates' threads to
                               start another call, when calls name their thread; then the
                               latest call that does not block; the oldest) -- or the call
                               returned (its thread went on) but its result line went to
                               another call: returned, no result */
    bool fork_child;        /* the return of fork/vfork/clone in the new process (result 0;
                               QEMU prints it in addition to the parent's); .tid is the child's
                               when the parent's result came first, else -1 */
    int64_t nr;             /* QLOG_SYSCALL "Unknown syscall N" (name "Unknown syscall"): N;
                               else -1 */
    bool has_si_addr; uint64_t si_addr;      /* QLOG_SIGNAL: si_addr= (NULL is 0) */
    uint64_t call_id;       /* QLOG_SYSCALL, QLOG_SYSCALL_WAITING: 1, 2, ... in the order the
                               calls were printed; a call's two records share it */
    bool malformed;         /* QLOG_OTHER: a line that did not parse, once a fork was read
                               (two processes write the log then, and cut each other's
                               lines; before a fork such a line is an error); .line holds it */
} qlog_record;

typedef struct qlog_reader qlog_reader;
/* Read from fd (a file or a FIFO QEMU writes to); the reader owns the fd. NULL: out of memory. */
qlog_reader *qlog_open_fd(int fd);
/* 1: *rec filled; 0: end of the log; -1: read error or a malformed line (qlog_error says which, with the line number).
 * After a malformed line the next call goes on with the line after it; a read error stays. */
int qlog_next(qlog_reader *r, qlog_record *rec);
const char *qlog_error(const qlog_reader *r);
/* From now on, return a QLOG_SYSCALL_WAITING record when a call starts to wait for its
 * result: whose call it is can be told best at that moment, from the blocks before it
 * (QEMU 9.1 and older print the same process id for every thread). */
void qlog_announce_waiting_calls(qlog_reader *r);
void qlog_close(qlog_reader *r);

/* Has a fork (fork, vfork, clone that QEMU runs as one) been read whose record is not
 * returned yet?  From its call line on, the child's lines may come. */
bool qlog_fork_in_progress(const qlog_reader *r);

/* Does a flag expression as strace prints it ("CLONE_VM|CLONE_FS|0x20") name `flag`? */
bool qlog_has_flag(const char *argstr, const char *flag);

#endif
