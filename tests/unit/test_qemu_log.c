/* The QEMU log reader on excerpts of real logs of `qemu-x86_64 -d in_asm,exec,nochain
 * -strace` (QEMU 7.2 from Debian 12, 10.0 and 11.1), fed through a pipe or a file.
 * Excerpts leave out whole records, never parts of one. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace/qemu_log.h"

TestSuite(qemu_log);

/* --- feeding the reader ---------------------------------------------------- */

typedef struct feed { int fd; const char *text; size_t len; } feed;

static void *feed_thread(void *arg)
{
    feed *f = arg;
    size_t off = 0;
    while (off < f->len) {
        ssize_t w = write(f->fd, f->text + off, f->len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

static pthread_t feeder;
static feed the_feed;
static bool feeding;
static size_t records_read;   /* by next(), since the reader was opened: failures name it */

/* A reader on the read end of a pipe a thread writes text into (any size). */
static qlog_reader *pipe_reader_n(const char *text, size_t len)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    the_feed = (feed){ .fd = fds[1], .text = text, .len = len };
    cr_assert_eq(pthread_create(&feeder, NULL, feed_thread, &the_feed), 0);
    feeding = true;
    records_read = 0;
    qlog_reader *r = qlog_open_fd(fds[0]);
    cr_assert_not_null(r);
    return r;
}

static qlog_reader *pipe_reader(const char *text)
{
    return pipe_reader_n(text, strlen(text));
}

/* A reader on a temporary file holding text. */
static qlog_reader *file_reader(const char *text)
{
    char path[] = "/tmp/test_qemu_log_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    records_read = 0;
    qlog_reader *r = qlog_open_fd(fd);
    cr_assert_not_null(r);
    return r;
}

static void done(qlog_reader *r)
{
    qlog_close(r);
    if (feeding)
        pthread_join(feeder, NULL);
    feeding = false;
}

static void next(qlog_reader *r, qlog_record *rec, qlog_kind kind)
{
    records_read++;
    int k = qlog_next(r, rec);
    cr_assert_eq(k, 1, "record %zu: qlog_next gave %d (%s)", records_read, k, qlog_error(r));
    cr_assert_eq(rec->kind, kind, "record %zu: kind %d, expected %d", records_read, rec->kind, kind);
}

static void at_end(qlog_reader *r)
{
    qlog_record rec;
    int k = qlog_next(r, &rec);
    cr_assert_eq(k, 0, "expected the end, got %d (kind %d, %s)", k, rec.kind, qlog_error(r));
}

/* The next line is malformed: qlog_next fails, and its error names `where` ("line 3"). */
static void malformed(qlog_reader *r, const char *where)
{
    qlog_record rec;
    records_read++;
    cr_assert_eq(qlog_next(r, &rec), -1, "record %zu: expected a malformed line", records_read);
    cr_assert(strstr(qlog_error(r), where) != NULL, "%s", qlog_error(r));
}

/* --- what the records should hold ---------------------------------------------------- */

/* A record expected is written with the fields to check; a field left out can be
 * anything:  SYSCALL(.name = "exit", .tid = IS(20078), .has_result = NO) */
typedef struct opt { bool set; int64_t v; } opt;   /* a number, if set */
#define IS(x) { true, (int64_t)(x) }
typedef enum tri { ANY, YES, NO } tri;             /* a bool */

/* An instruction of a block: checked where addr is set; len where set; the first
 * bytes.n bytes. */
typedef struct want_insn {
    uint64_t addr;
    uint8_t len;
    struct { uint8_t n, b[15]; } bytes;
} want_insn;
#define BYTES(...) { sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }
#define MAX_WANT_INSNS 10

typedef struct want {
    qlog_kind kind;
    const char *malformed;                 /* instead of a record: see malformed() */
    opt vcpu, pc, tb;
    const char *symbol;
    opt ninsns;
    want_insn insns[MAX_WANT_INSNS];
    opt tid, nr, nargs, numeric_args, result, call_id;
    const char *name;
    opt args[6];
    const char *argstr[6];
    const char *has_flag[6], *lacks_flag[6];   /* qlog_has_flag(argstr[i], ...) */
    opt signo, si_code, si_addr;
    const char *line;
    tri exec_stopped, truncated, block_incomplete, returned, has_result, result_ambiguous,
        fork_child, has_si_code, has_si_addr;
} want;

#define BLOCK(...)   { .kind = QLOG_BLOCK, __VA_ARGS__ }
#define EXEC(...)    { .kind = QLOG_EXEC, __VA_ARGS__ }
#define SYSCALL(...) { .kind = QLOG_SYSCALL, __VA_ARGS__ }
#define WAITING(...) { .kind = QLOG_SYSCALL_WAITING, __VA_ARGS__ }
#define SIGNAL(...)  { .kind = QLOG_SIGNAL, __VA_ARGS__ }
#define OTHER(...)   { .kind = QLOG_OTHER, __VA_ARGS__ }
#define MALFORMED(where) { .malformed = (where) }

static void check_int(const char *what, int64_t got, opt want)
{
    if (want.set)
        cr_assert_eq(got, want.v, "record %zu: %s is %" PRId64 ", expected %" PRId64,
                     records_read, what, got, want.v);
}

static void check_hex(const char *what, uint64_t got, opt want)
{
    if (want.set)
        cr_assert_eq(got, (uint64_t)want.v, "record %zu: %s is %#" PRIx64 ", expected %#" PRIx64,
                     records_read, what, got, (uint64_t)want.v);
}

static void check_str(const char *what, const char *got, const char *want)
{
    if (want)
        cr_assert_str_eq(got, want, "record %zu: %s is \"%s\", expected \"%s\"",
                         records_read, what, got, want);
}

static void check_bool(const char *what, bool got, tri want)
{
    if (want != ANY)
        cr_assert_eq(got, want == YES, "record %zu: %s is %d", records_read, what, got);
}

static void check_insn(const qlog_record *rec, size_t i, const want_insn *w)
{
    if (!w->addr && !w->len && !w->bytes.n)
        return;
    cr_assert_lt(i, rec->ninsns, "record %zu: no instruction %zu", records_read, i);
    char what[32];
    snprintf(what, sizeof what, "insns[%zu].addr", i);
    check_hex(what, rec->insns[i].addr, (opt){ w->addr != 0, (int64_t)w->addr });
    snprintf(what, sizeof what, "insns[%zu].len", i);
    check_int(what, rec->insns[i].len, (opt){ w->len != 0, w->len });
    if (w->bytes.n)
        cr_assert_arr_eq(rec->insns[i].bytes, w->bytes.b, w->bytes.n,
                         "record %zu: insns[%zu].bytes", records_read, i);
}

static void check_arg(const qlog_record *rec, int i, const want *w)
{
    char what[32];
    snprintf(what, sizeof what, "args[%d]", i);
    check_int(what, (int64_t)rec->args[i], w->args[i]);
    snprintf(what, sizeof what, "argstr[%d]", i);
    check_str(what, rec->argstr[i], w->argstr[i]);
    if (w->has_flag[i])
        cr_assert(qlog_has_flag(rec->argstr[i], w->has_flag[i]),
                  "record %zu: %s does not name %s", records_read, rec->argstr[i], w->has_flag[i]);
    if (w->lacks_flag[i])
        cr_assert_not(qlog_has_flag(rec->argstr[i], w->lacks_flag[i]),
                      "record %zu: %s names %s", records_read, rec->argstr[i], w->lacks_flag[i]);
}

static void check_record(const qlog_record *rec, const want *w)
{
    check_int("vcpu", rec->vcpu, w->vcpu);
    check_hex("pc", rec->pc, w->pc);
    check_hex("tb", rec->tb, w->tb);
    check_str("symbol", rec->symbol, w->symbol);
    check_int("ninsns", (int64_t)rec->ninsns, w->ninsns);
    for (size_t i = 0; i < MAX_WANT_INSNS; i++)
        check_insn(rec, i, &w->insns[i]);

    check_int("tid", rec->tid, w->tid);
    check_str("name", rec->name, w->name);
    check_int("nr", rec->nr, w->nr);
    check_int("nargs", rec->nargs, w->nargs);
    for (int i = 0; i < 6; i++)
        check_arg(rec, i, w);
    check_hex("numeric_args", rec->numeric_args, w->numeric_args);
    check_int("result", rec->result, w->result);
    check_int("call_id", (int64_t)rec->call_id, w->call_id);

    check_int("signo", rec->signo, w->signo);
    check_int("si_code", rec->si_code, w->si_code);
    check_hex("si_addr", rec->si_addr, w->si_addr);
    check_str("line", rec->line, w->line);

    check_bool("exec_stopped", rec->exec_stopped, w->exec_stopped);
    check_bool("truncated", rec->truncated, w->truncated);
    check_bool("block_incomplete", rec->block_incomplete, w->block_incomplete);
    check_bool("returned", rec->returned, w->returned);
    check_bool("has_result", rec->has_result, w->has_result);
    check_bool("result_ambiguous", rec->result_ambiguous, w->result_ambiguous);
    check_bool("fork_child", rec->fork_child, w->fork_child);
    check_bool("has_si_code", rec->has_si_code, w->has_si_code);
    check_bool("has_si_addr", rec->has_si_addr, w->has_si_addr);
}

static void expect_records(qlog_reader *r, const want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (w[i].malformed) {
            malformed(r, w[i].malformed);
            continue;
        }
        qlog_record rec;
        next(r, &rec, w[i].kind);
        check_record(&rec, &w[i]);
    }
    at_end(r);
    done(r);
}

/* The reader gives these records (BLOCK(...), EXEC(...), ...) in this order, then the
 * end of the log; closes it. */
#define expect_log(reader, ...)                                            \
    do {                                                                   \
        static const want records_[] = { __VA_ARGS__ };                   \
        expect_records((reader), records_, sizeof records_ / sizeof records_[0]); \
    } while (0)

/* --- translated blocks ----------------------------------------------------------- */

/* QEMU 7.2, a program's main (glibc, loaded at 0x4000000000). */
static const char block_72[] =
    "----------------\n"
    "IN: main\n"
    "0x40000012e7:  41 56                    pushq    %r14\n"
    "0x40000012e9:  41 55                    pushq    %r13\n"
    "0x40000012eb:  41 54                    pushq    %r12\n"
    "0x40000012ed:  55                       pushq    %rbp\n"
    "0x40000012ee:  53                       pushq    %rbx\n"
    "0x40000012ef:  48 83 ec 50              subq     $0x50, %rsp\n"
    "0x40000012f3:  41 89 fe                 movl     %edi, %r14d\n"
    "0x40000012f6:  48 8d 35 fc fe ff ff     leaq     -0x104(%rip), %rsi\n"
    "0x40000012fd:  bf 0a 00 00 00           movl     $0xa, %edi\n"
    "0x4000001302:  e8 79 fd ff ff           callq    0x4000001080\n"
    "\n"
    "Trace 0: 0x7fd8ac0b79c0 [0000000000000000/00000040000012e7/1040c0b3/00000200] main\n";

Test(qemu_log, block_of_several_instructions_72)
{
    qlog_reader *r = pipe_reader(block_72);
    expect_log(r,
        BLOCK(.ninsns = IS(10), .symbol = "main",
              .insns = {
                  [0] = { .addr = 0x40000012e7, .len = 2 },
                  [7] = { .addr = 0x40000012f6, .len = 7,
                          .bytes = BYTES(0x48, 0x8d, 0x35, 0xfc, 0xfe, 0xff, 0xff) },
                  [9] = { .addr = 0x4000001302, .bytes = BYTES(0xe8) },
              },
              .truncated = NO, .block_incomplete = NO),
        EXEC(.vcpu = IS(0), .pc = IS(0x40000012e7), .tb = IS(0x7fd8ac0b79c0), .symbol = "main"));
}

/* QEMU 11.1, ld.so: bytes past the 8th of an instruction on a line of their own. */
static const char block_111[] =
    "----------------\n"
    "IN: \n"
    "0x7f4589c607cd:  48 8b 46 08              movq     8(%rsi), %rax\n"
    "0x7f4589c607d1:  48 8d 0d 98 13 00 00     leaq     0x1398(%rip), %rcx\n"
    "0x7f4589c607d8:  48 89 15 49 93 01 00     movq     %rdx, 0x19349(%rip)\n"
    "0x7f4589c607df:  48 89 4c 24 d0           movq     %rcx, -0x30(%rsp)\n"
    "0x7f4589c607e4:  48 c7 44 24 b8 00 10 00  movq     $0x1000, -0x48(%rsp)\n"
    "0x7f4589c607ec:  00\n"
    "0x7f4589c607ed:  48 c7 44 24 18 7f 03 00  movq     $0x37f, 0x18(%rsp)\n"
    "0x7f4589c607f5:  00\n"
    "0x7f4589c607f6:  48 85 c0                 testq    %rax, %rax\n"
    "0x7f4589c607f9:  0f 84 c1 00 00 00        je       0x7f4589c608c0\n"
    "\n"
    "Trace 0: 0x7f4580407400 [00000000/00007f4589c607cd/1040c0b3/00000200] \n";

Test(qemu_log, block_with_long_instructions_111)
{
    qlog_reader *r = pipe_reader(block_111);
    expect_log(r,
        BLOCK(.ninsns = IS(8), .symbol = "",
              .insns = {
                  [4] = { .addr = 0x7f4589c607e4, .len = 9,
                          .bytes = BYTES(0x48, 0xc7, 0x44, 0x24, 0xb8, 0x00, 0x10, 0x00, 0x00) },
                  [5] = { .addr = 0x7f4589c607ed, .len = 9 },
                  [6] = { .addr = 0x7f4589c607f6 },
                  [7] = { .addr = 0x7f4589c607f9, .len = 6 },
              }),
        EXEC(.pc = IS(0x7f4589c607cd), .symbol = ""));
}

/* --- executed blocks ---------------------------------------------------------------- */

Test(qemu_log, exec_lines_of_each_width)
{
    qlog_reader *r = pipe_reader(
        /* 7.2: cs_base 16 digits */
        "Trace 0: 0x7f196c000100 [0000000000000000/0000000000401030/1040c0b3/00000200] \n"
        "Trace 3: 0x7fd8ac029800 [0000000000000000/000000400294238f/1040c0b3/00080200] \n"
        /* 10.0 and 11.1: cs_base 8 digits */
        "Trace 4: 0x7f30af200100 [00000000/00007f30ae925b42/1040c0b3/00008200] \n"
        "Trace 0: 0x7f45804be2c0 [00000000/0000555555557110/1040c0b3/00000200] _start\n");
    expect_log(r,
        EXEC(.vcpu = IS(0), .pc = IS(0x401030), .tb = IS(0x7f196c000100), .symbol = ""),
        EXEC(.vcpu = IS(3), .pc = IS(0x400294238f)),
        EXEC(.vcpu = IS(4), .pc = IS(0x7f30ae925b42), .tb = IS(0x7f30af200100)),
        EXEC(.pc = IS(0x555555557110), .symbol = "_start"));
}

/* 7.2: the new thread's first block was announced, then not run (no vCPU on the line). */
Test(qemu_log, stopped_chain_names_the_vcpu_of_its_block)
{
    qlog_reader *r = pipe_reader(
        "Trace 1: 0x7ff1f1600980 [0000000000000000/0000000000401110/1040c0b3/00080200] \n"
        "Stopped execution of TB chain before 0x7ff1f1600980 [0000000000401110] \n"
        "----------------\n"
        "IN: \n"
        "0x00401110:  48 85 c0                 testq    %rax, %rax\n"
        "0x00401113:  74 27                    je       0x40113c\n"
        "\n"
        "Trace 0: 0x7ff1f1600100 [0000000000000000/0000000000401110/1040c0b3/00080200] \n");
    expect_log(r,
        EXEC(.vcpu = IS(1)),
        OTHER(.exec_stopped = YES, .vcpu = IS(1), .pc = IS(0x401110), .tb = IS(0x7ff1f1600980),
              .line = "Stopped execution of TB chain before 0x7ff1f1600980 [0000000000401110] "),
        BLOCK(.ninsns = IS(2)),
        EXEC(.vcpu = IS(0), .exec_stopped = NO));
}

/* --- system calls ------------------------------------------------------------------- */

Test(qemu_log, syscalls_with_their_result_on_the_line)
{
    qlog_reader *r = file_reader(
        "19990 arch_prctl(20481,1,0,0,0,0) = -1 errno=22 (Invalid argument)\n"
        "20040 mmap(NULL,65536,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0) = 0x00007f94c5d6d000\n"
        "19997 rt_sigaction(SIGUSR1,0x0000004000800770,NULL) = 0\n"
        "28028 prlimit64(0,RLIMIT_STACK,NULL,0x00007f45803ff410) = 0 ({rlim_cur=8388608,rlim_max=-1})\n"
        "19997 rt_sigreturn(10,274886294456,274886294152,0,0,0) = -1 errno=513 (Successful exit from sigreturn)\n"
        "27146 gettid() = 27186\n"
        "27146 Unknown syscall 435\n"
        "19990 exit_group(0)\n");
    expect_log(r,
        SYSCALL(.tid = IS(19990), .name = "arch_prctl", .nargs = IS(6),
                .args = { [0] = IS(0x5001), [1] = IS(1) }, .numeric_args = IS(0x3f),
                .returned = YES, .has_result = YES, .result = IS(-22)),
        SYSCALL(.name = "mmap", .nargs = IS(6),
                .args = { [0] = IS(0), [1] = IS(65536),
                          [2] = IS(0),   /* flag names are not numbers */
                          [4] = IS((uint64_t)-1) },
                .argstr = { [2] = "PROT_READ|PROT_WRITE" },
                .has_flag = { [3] = "MAP_ANONYMOUS" }, .lacks_flag = { [3] = "MAP_ANON" },
                .numeric_args = IS(0x33), .result = IS(0x7f94c5d6d000)),
        SYSCALL(.name = "rt_sigaction",
                .args = { [0] = IS(10) /* SIGUSR1 */, [1] = IS(0x4000800770) },
                .numeric_args = IS(7), .result = IS(0)),
        SYSCALL(.name = "prlimit64", .nargs = IS(4), .args = { [3] = IS(0x7f45803ff410) },
                .has_result = YES, .result = IS(0)),
        SYSCALL(.name = "rt_sigreturn", .args = { [1] = IS(274886294456) }, .result = IS(-513)),
        /* 7.2 prints the process id for every thread */
        SYSCALL(.name = "gettid", .nargs = IS(0), .tid = IS(27146), .result = IS(27186)),
        SYSCALL(.name = "Unknown syscall", .nr = IS(435), .returned = NO),
        SYSCALL(.name = "exit_group", .nr = IS(-1), .nargs = IS(1),
                .returned = NO, .has_result = NO));
}

/* 11.1: the main thread waits in futex; the thread's first block is glued after the call,
 * its exit comes before the result, which is on a line of its own. */
Test(qemu_log, split_syscall_with_a_record_glued_after_it)
{
    qlog_reader *r = pipe_reader(
        "20076 futex(0x0000000000402000,FUTEX_WAIT,20078,NULL,NULL,0)"
        "Trace 1: 0x7f82cd200100 [00000000/0000000000401110/1040c0b3/00008200] \n"
        "Trace 1: 0x7f82cd200640 [00000000/000000000040113c/1040c0b3/00008200] \n"
        "20078 exit(0)\n"
        " = 0\n"
        "20076 exit_group(0)\n");
    expect_log(r,
        EXEC(.vcpu = IS(1), .pc = IS(0x401110)),
        EXEC(.pc = IS(0x40113c)),
        SYSCALL(.name = "exit", .tid = IS(20078), .has_result = NO),
        SYSCALL(.name = "futex", .tid = IS(20076), .nargs = IS(6),
                .args = { [0] = IS(0x402000), [2] = IS(20078) }, .argstr = { [1] = "FUTEX_WAIT" },
                .has_result = YES, .result = IS(0), .result_ambiguous = NO),
        SYSCALL(.name = "exit_group"));
}

/* 7.2 (every call names the process): announced, a waiting call is told from the calls
 * that come while it waits -- here the other thread's exit -- by their call_id. */
Test(qemu_log, waiting_calls_are_announced_with_their_call_id)
{
    qlog_reader *r = pipe_reader(
        "14203 futex(0x0000000000403008,FUTEX_WAIT,14205,NULL,NULL,0)----------------\n"
        "IN: worker\n"
        "0x00401032:  f3 0f 1e fa              endbr64  \n"
        "\n"
        "Trace 1: 0x7fcaec0007c0 [0000000000000000/0000000000401032/1040c0b3/00080200] worker\n"
        "14203 exit(0)\n"
        " = 0\n"
        "14203 exit_group(0)\n");
    qlog_announce_waiting_calls(r);
    expect_log(r,
        WAITING(.name = "futex", .tid = IS(14203), .call_id = IS(1), .argstr = { [1] = "FUTEX_WAIT" },
                .has_result = NO),
        BLOCK(.symbol = "worker"),
        EXEC(.vcpu = IS(1)),
        SYSCALL(.name = "exit", .call_id = IS(2), .has_result = NO),
        SYSCALL(.name = "futex", .call_id = IS(1), .result = IS(0)),
        SYSCALL(.name = "exit_group", .call_id = IS(3)));
}

/* Unasked, the same log gives no announcements (split_syscall_with_a_record_glued_after_it
 * shows the order of the rest). */
Test(qemu_log, waiting_calls_are_not_announced_unasked)
{
    qlog_reader *r = pipe_reader(
        "14203 futex(0x0000000000403008,FUTEX_WAIT,14205,NULL,NULL,0)"
        "Trace 1: 0x7fcaec0007c0 [0000000000000000/0000000000401032/1040c0b3/00080200] worker\n"
        " = 0\n");
    expect_log(r,
        EXEC(.vcpu = IS(1)),
        SYSCALL(.name = "futex", .call_id = IS(1), .result = IS(0)));
}

/* 7.2: a translated block glued after clone; the result after the block. */
Test(qemu_log, split_syscall_with_a_block_glued_after_it)
{
    qlog_reader *r = pipe_reader(
        "27146 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
        "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x000000400422ff70,"
        "parent_tidptr=0x0000004004230990,tls=0x00000040042306c0,child_tidptr=0x0000004004230990)"
        "----------------\n"
        "IN: \n"
        "0x4002952b42:  48 85 c0                 testq    %rax, %rax\n"
        "\n"
        "Trace 2: 0x7fd8ac000100 [0000000000000000/0000004002952b42/1040c0b3/00080200] \n"
        " = 27206\n");
    expect_log(r,
        BLOCK(.ninsns = IS(1), .insns = { [0] = { .addr = 0x4002952b42 } }),
        EXEC(.vcpu = IS(2)),
        SYSCALL(.name = "clone", .nargs = IS(5), .has_flag = { [0] = "CLONE_THREAD" },
                .args = { [1] = IS(0x400422ff70),    /* child_stack= */
                          [3] = IS(0x40042306c0) },  /* tls= */
                .result = IS(27206), .fork_child = NO));
}

/* 11.1: the new thread's first call is printed before its parent's clone returns, and
 * the clone's result lands right after it. */
#define CLONE_OVERTAKEN_111                                                                     \
    "28028 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"     \
    "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x00007f457f3fcf70,"   \
    "parent_tidptr=0x00007f457f3fd990,tls=0x00007f457f3fd6c0,child_tidptr=0x00007f457f3fd990)" \
    "Trace 1: 0x7f4580425bc0 [00000000/00007f4588479a16/1040c0b3/00008200] \n"                 \
    "28079 write(1,0x7f457fbfde80,24) = 24\n"                                                  \
    "28079 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 20000000},NULL) = 28083\n"

/* CLONE_OVERTAKEN_111 alone.  A sleep cannot return a thread id. */
Test(qemu_log, result_after_a_sleep_goes_to_the_overtaken_clone)
{
    qlog_reader *r = pipe_reader(CLONE_OVERTAKEN_111);
    expect_log(r,
        EXEC(),
        SYSCALL(.name = "write", .result = IS(24)),
        SYSCALL(.name = "clone", .tid = IS(28028), .result = IS(28083)),
        /* the sleep never got its result in this excerpt: returned at the end, without */
        SYSCALL(.name = "clock_nanosleep", .tid = IS(28079), .nargs = IS(4),
                .argstr = { [2] = "{tv_sec = 0,tv_nsec = 20000000}" },
                .numeric_args = IS(0xa),   /* 0 and NULL */
                .returned = NO, .has_result = NO));
}

/* 7.2: four threads sleep at once (all printed with the process id); each result line
 * could be any one's. */
Test(qemu_log, results_of_several_waiting_calls)
{
    qlog_reader *r = pipe_reader(
        "27146 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 20000000},NULL)----------------\n"
        "IN: \n"
        "0x400294238f:  48 89 c3                 movq     %rax, %rbx\n"
        "\n"
        "27146 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 40000000},NULL)"
        "Trace 3: 0x7fd8ac029800 [0000000000000000/000000400294238f/1040c0b3/00080200] \n"
        "27146 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 60000000},NULL)"
        "Trace 3: 0x7fd8ac029800 [0000000000000000/000000400294238f/1040c0b3/00080200] \n"
        " = 0\n"
        "27146 gettid() = 27186\n"
        " = 0\n");
    expect_log(r,
        BLOCK(),
        EXEC(),
        EXEC(),
        SYSCALL(.name = "clock_nanosleep",
                .argstr = { [2] = "{tv_sec = 0,tv_nsec = 20000000}" },   /* the oldest */
                .result = IS(0), .result_ambiguous = YES),
        SYSCALL(.name = "gettid", .result_ambiguous = NO),
        SYSCALL(.argstr = { [2] = "{tv_sec = 0,tv_nsec = 40000000}" }, .result_ambiguous = YES),
        SYSCALL(.argstr = { [2] = "{tv_sec = 0,tv_nsec = 60000000}" }, .returned = NO));
}

/* 11.1: calls name their thread (learnt from the new thread's calls): a result line
 * goes to the waiting call whose thread starts a call first.  CLONE_OVERTAKEN_111 goes on. */
Test(qemu_log, result_goes_to_the_thread_that_goes_on_first)
{
    qlog_reader *r = pipe_reader(
        CLONE_OVERTAKEN_111
        "28083 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 40000000},NULL)"
        "Trace 3: 0x7f458042af80 [00000000/00007f458847a6fc/1040c0b3/00008200] \n"
        "28028 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 30000000},NULL)"
        "28085 write(1,0x7f457e378e80,24) = 24\n"
        "28085 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 80000000},NULL)"
        "Trace 1: 0x7f45804052c0 [00000000/00007f4589c509bc/1040c0b3/00008200] \n"
        " = 0\n"
        "28083 gettid() = 28083\n"
        " = 0\n"
        "28028 futex(0x00007f457fbfe990,FUTEX_CLOCK_REALTIME|FUTEX_WAIT_BITSET,28079,NULL,NULL,"
        "FUTEX_BITSET_MATCH_ANY)Trace 1: 0x7f458042f200 [00000000/00005555555572c5/1040c0b3/00008200] work\n");
    expect_log(r,
        EXEC(),
        SYSCALL(.name = "write"),
        SYSCALL(.name = "clone", .result = IS(28083)),
        EXEC(.vcpu = IS(3)),
        SYSCALL(.name = "write", .tid = IS(28085), .result = IS(24)),
        EXEC(),
        /* 28083 goes on first: not the oldest sleep, 28079's */
        SYSCALL(.name = "clock_nanosleep", .tid = IS(28083),
                .has_result = YES, .result_ambiguous = YES),
        SYSCALL(.name = "gettid"),
        SYSCALL(.name = "clock_nanosleep", .tid = IS(28028), .has_result = YES),
        EXEC(.symbol = "work"),
        /* the end: the calls still waiting, oldest first, without results */
        SYSCALL(.tid = IS(28079), .returned = NO),
        SYSCALL(.tid = IS(28085)),
        SYSCALL(.name = "futex", .returned = NO));
}

/* 11.1: a thread starts a call while the reader still has it waiting in an earlier one
 * (its result line went to another call): the earlier one is returned first.  Built
 * from real lines, the futex given to the new thread. */
Test(qemu_log, call_of_a_thread_ends_its_earlier_call)
{
    qlog_reader *r = pipe_reader(
        "20076 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
        "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x00007f82d69feff0,"
        "parent_tidptr=0x0000000000402000,tls=0x0000000000000000,child_tidptr=0x0000000000402000) = 20078\n"
        "20078 futex(0x0000000000402000,FUTEX_WAIT,20078,NULL,NULL,0)"
        "Trace 1: 0x7f82cd200100 [00000000/0000000000401110/1040c0b3/00008200] \n"
        "20078 exit(0)\n");
    expect_log(r,
        SYSCALL(.name = "clone"),
        EXEC(),
        SYSCALL(.name = "futex", .returned = YES, .has_result = NO, .result_ambiguous = YES),
        SYSCALL(.name = "exit"));
}

/* 11.1 (and 7.2): QEMU prints strings raw: quotes, commas, parentheses and newlines. */
Test(qemu_log, strings_with_commas_quotes_and_newlines)
{
    qlog_reader *r = pipe_reader(
        "17804 openat(-100,\"/tmp/a,b\"c)d\",O_RDONLY) = -1 errno=2 (No such file or directory)\n"
        "17804 openat(-100,\"/tmp/new\n"
        "line,x\",O_RDONLY) = -1 errno=2 (No such file or directory)\n"
        "17804 write(1,0x555555558021,13) = 13\n"
        "28028 execve(\"/bin/true\",{\"/bin/true\",\"x,y\",NULL})");
    expect_log(r,
        SYSCALL(.name = "openat", .nargs = IS(3), .args = { [0] = IS(-100) },
                .argstr = { [1] = "\"/tmp/a,b\"c)d\"", [2] = "O_RDONLY" },
                .numeric_args = IS(1), .result = IS(-2)),
        SYSCALL(.nargs = IS(3), .argstr = { [1] = "\"/tmp/new\nline,x\"" }, .result = IS(-2)),
        SYSCALL(.name = "write", .args = { [1] = IS(0x555555558021) }),
        /* execve that worked never returns: the log ends after it, without a newline */
        SYSCALL(.name = "execve", .nargs = IS(2),
                .argstr = { [0] = "\"/bin/true\"", [1] = "{\"/bin/true\",\"x,y\",NULL}" },
                .returned = NO, .has_result = NO));
}

/* 11.1, glibc fork: the parent's and the child's return of one clone; then wait4, whose
 * result QEMU prints as " = " alone when it stored a status. */
Test(qemu_log, fork_returns_twice_and_wait4_without_value)
{
    qlog_reader *r = pipe_reader(
        "3226 clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|0x11,child_stack=0x0000000000000000,"
        "parent_tidptr=0x0000000000000000,tls=0x0000000000000000,child_tidptr=0x00000000004af650) = 3228\n"
        " = 0\n"
        "3228 set_robust_list(0x4af660,24) = -1 errno=38 (Function not implemented)\n"
        "3226 wait4(3228,0x7f69edb7d5dc,0,(nil))----------------\n"
        "IN: puts\n"
        "0x0040a92f:  48 8b 95 88 00 00 00     movq     0x88(%rbp), %rdx\n"
        "\n"
        "Trace 0: 0x7f69e005b940 [00000000/0000000000430505/1040c0b3/00000200] _exit\n"
        "3228 exit_group(5)\n"
        " = \n");
    expect_log(r,
        SYSCALL(.name = "clone", .tid = IS(3226), .result = IS(3228), .fork_child = NO),
        SYSCALL(.name = "clone", .fork_child = YES, .tid = IS(3228), .result = IS(0)),
        SYSCALL(.name = "set_robust_list", .tid = IS(3228)),
        BLOCK(.symbol = "puts"),
        EXEC(.symbol = "_exit"),
        SYSCALL(.name = "exit_group", .args = { [0] = IS(5) }),
        SYSCALL(.name = "wait4", .args = { [3] = IS(0) /* (nil) */ }, .numeric_args = IS(0xf),
                .returned = YES, .has_result = NO));
}

/* --- signals and other lines ---------------------------------------------------------- */

Test(qemu_log, signals)
{
    qlog_reader *r = pipe_reader(
        "--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=NULL} ---\n"
        "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=19997, si_uid=0} ---\n"
        "--- SIGILL {si_signo=SIGILL, si_code=2, si_addr=0x000000000040100e} ---\n"
        "--- SIGSEGV {si_signo=SIGSEGV, si_code=SI_KERNEL, si_pid=0, si_uid=0} ---\n"
        "--- SIGIOT {si_signo=SIGIOT, si_code=SI_TKILL, si_pid=17804, si_uid=0} ---\n"
        "--- 36 {si_signo=36, si_code=SI_TKILL, si_pid=17804, si_uid=0} ---\n");
    expect_log(r,
        SIGNAL(.signo = IS(11), .has_si_code = YES, .si_code = IS(1),
               .has_si_addr = YES, .si_addr = IS(0), .tid = IS(-1)),
        SIGNAL(.signo = IS(10), .si_code = IS(-6), .has_si_addr = NO),
        SIGNAL(.signo = IS(4), .si_code = IS(2), .si_addr = IS(0x40100e)),
        SIGNAL(.si_code = IS(0x80)),
        SIGNAL(.signo = IS(6)),
        SIGNAL(.signo = IS(36)));
}

Test(qemu_log, other_lines)
{
    qlog_reader *r = pipe_reader(
        "qemu: some message QEMU may write\n"
        " = 0\n"                 /* a return no call waits for */
        "12 monkeys\n");
    expect_log(r,
        OTHER(.line = "qemu: some message QEMU may write", .truncated = NO),
        OTHER(.line = " = 0"),
        OTHER(.line = "12 monkeys"));
}

/* --- the end of the log and broken lines --------------------------------------------- */

/* 11.1, a guest that SIGKILLs itself: the call never returns, the line never ends. */
Test(qemu_log, call_cut_by_the_end_of_the_log)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f6ee2800d80 [00000000/0000000000401157/1040c0b3/00000200] \n"
        "2998 tgkill(2998,2998,SIGKILL)");
    expect_log(r,
        EXEC(),
        SYSCALL(.name = "tgkill", .args = { [2] = IS(9) }, .returned = NO));
}

Test(qemu_log, truncated_last_line)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200] \n"
        "Trace 0: 0x7f985c000240 [00000000/00000000004");
    expect_log(r,
        EXEC(),
        OTHER(.truncated = YES, .line = "Trace 0: 0x7f985c000240 [00000000/00000000004"));
}

Test(qemu_log, truncated_block)
{
    qlog_reader *r = pipe_reader(
        "----------------\n"
        "IN: \n"
        "0x00401030:  b8 9e 00 00 00           movl     $0x9e, %eax\n"
        "0x00401035:  bf 01 50 00 00           movl     $0x5001, %edi\n"
        "0x0040103a:  be 01 00");
    expect_log(r,
        BLOCK(.truncated = YES, .ninsns = IS(2), .insns = { [1] = { .addr = 0x401035 } }));
}

Test(qemu_log, malformed_line_names_its_number)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200] \n"
        "20063 arch_prctl(20481,1,0,0,0,0) = -1 errno=22 (Invalid argument)\n"
        "Trace 0: 0x7f985c000240 [00000000/000000000040zz41/1040c0b3/00000200] \n"
        "Trace 0: 0x7f985c0003c0 [00000000/0000000000401000/1040c0b3/00000200] \n");
    expect_log(r,
        EXEC(),
        SYSCALL(),
        MALFORMED("line 3"),
        EXEC(.pc = IS(0x401000)));   /* it goes on after the bad line */
}

Test(qemu_log, malformed_block_line)
{
    qlog_reader *r = pipe_reader(
        "----------------\n"
        "IN: \n"
        "0x00401030:  b8 9e 00 00 00           movl     $0x9e, %eax\n"
        "movl $1, %esi\n"
        "\n");
    malformed(r, "line 4");
    done(r);
}

/* --- volume ---------------------------------------------------------------------------- */

/* More than the reader's buffer, through a pipe in pieces, with a line longer than it. */
Test(qemu_log, large_log_through_a_pipe)
{
    const char line[] = "Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200] \n";
    size_t nlines = 100000, linelen = sizeof line - 1, longarg = 3 << 20;
    size_t len = nlines * linelen + longarg + 64;
    char *text = malloc(len + 1), *p = text;
    for (size_t i = 0; i < nlines; i++) {
        memcpy(p, line, linelen);
        snprintf(p + 34, 17, "%016zx", i);   /* a different pc each */
        p[50] = '/';
        p += linelen;
    }
    p += sprintf(p, "1 execve(\"");
    memset(p, 'a', longarg);
    p += longarg;
    p += sprintf(p, "\",NULL) = -1 errno=2 (No such file or directory)\n");
    qlog_reader *r = pipe_reader_n(text, (size_t)(p - text));
    qlog_record rec;
    for (size_t i = 0; i < nlines; i++) {
        next(r, &rec, QLOG_EXEC);
        cr_assert_eq(rec.pc, i, "line %zu: pc %#lx", i + 1, (unsigned long)rec.pc);
    }
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(strlen(rec.argstr[0]), longarg + 2);
    cr_assert_eq(rec.result, -2);
    at_end(r);
    done(r);
    free(text);
}
