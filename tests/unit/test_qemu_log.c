/* The QEMU log reader on excerpts of real logs of `qemu-x86_64 -d in_asm,exec,nochain
 * -strace` (QEMU 7.2 from Debian 12, 10.0 and 11.1), fed through a pipe or a file.
 * Excerpts leave out whole records, never parts of one. */
#include <criterion/criterion.h>
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

/* A reader on the read end of a pipe a thread writes text into (any size). */
static qlog_reader *pipe_reader_n(const char *text, size_t len)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    the_feed = (feed){ .fd = fds[1], .text = text, .len = len };
    cr_assert_eq(pthread_create(&feeder, NULL, feed_thread, &the_feed), 0);
    feeding = true;
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
    int k = qlog_next(r, rec);
    cr_assert_eq(k, 1, "qlog_next gave %d (%s)", k, qlog_error(r));
    cr_assert_eq(rec->kind, kind, "kind %d, expected %d", rec->kind, kind);
}

static void at_end(qlog_reader *r)
{
    qlog_record rec;
    int k = qlog_next(r, &rec);
    cr_assert_eq(k, 0, "expected the end, got %d (kind %d, %s)", k, rec.kind, qlog_error(r));
}

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
    qlog_record rec;
    next(r, &rec, QLOG_BLOCK);
    cr_assert_eq(rec.ninsns, 10);
    cr_assert_str_eq(rec.symbol, "main");
    cr_assert_eq(rec.insns[0].addr, 0x40000012e7);
    cr_assert_eq(rec.insns[0].len, 2);
    cr_assert_eq(rec.insns[7].addr, 0x40000012f6);
    cr_assert_eq(rec.insns[7].len, 7);
    cr_assert_arr_eq(rec.insns[7].bytes, ((uint8_t[]){ 0x48, 0x8d, 0x35, 0xfc, 0xfe, 0xff, 0xff }), 7);
    cr_assert_eq(rec.insns[9].addr, 0x4000001302);
    cr_assert_eq(rec.insns[9].bytes[0], 0xe8);
    cr_assert_not(rec.truncated);
    cr_assert_not(rec.block_incomplete);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 0);
    cr_assert_eq(rec.pc, 0x40000012e7);
    cr_assert_eq(rec.tb, 0x7fd8ac0b79c0);
    cr_assert_str_eq(rec.symbol, "main");
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_BLOCK);
    cr_assert_eq(rec.ninsns, 8);
    cr_assert_str_eq(rec.symbol, "");
    cr_assert_eq(rec.insns[4].addr, 0x7f4589c607e4);
    cr_assert_eq(rec.insns[4].len, 9);
    cr_assert_arr_eq(rec.insns[4].bytes,
                     ((uint8_t[]){ 0x48, 0xc7, 0x44, 0x24, 0xb8, 0x00, 0x10, 0x00, 0x00 }), 9);
    cr_assert_eq(rec.insns[5].addr, 0x7f4589c607ed);
    cr_assert_eq(rec.insns[5].len, 9);
    cr_assert_eq(rec.insns[6].addr, 0x7f4589c607f6);
    cr_assert_eq(rec.insns[7].addr, 0x7f4589c607f9);
    cr_assert_eq(rec.insns[7].len, 6);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.pc, 0x7f4589c607cd);
    cr_assert_str_eq(rec.symbol, "");
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 0);
    cr_assert_eq(rec.pc, 0x401030);
    cr_assert_eq(rec.tb, 0x7f196c000100);
    cr_assert_str_eq(rec.symbol, "");
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 3);
    cr_assert_eq(rec.pc, 0x400294238f);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 4);
    cr_assert_eq(rec.pc, 0x7f30ae925b42);
    cr_assert_eq(rec.tb, 0x7f30af200100);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.pc, 0x555555557110);
    cr_assert_str_eq(rec.symbol, "_start");
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 1);
    next(r, &rec, QLOG_OTHER);
    cr_assert(rec.exec_stopped);
    cr_assert_eq(rec.vcpu, 1);
    cr_assert_eq(rec.pc, 0x401110);
    cr_assert_eq(rec.tb, 0x7ff1f1600980);
    cr_assert_str_eq(rec.line, "Stopped execution of TB chain before 0x7ff1f1600980 [0000000000401110] ");
    next(r, &rec, QLOG_BLOCK);
    cr_assert_eq(rec.ninsns, 2);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 0);
    cr_assert_not(rec.exec_stopped);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(rec.tid, 19990);
    cr_assert_str_eq(rec.name, "arch_prctl");
    cr_assert_eq(rec.nargs, 6);
    cr_assert_eq(rec.args[0], 0x5001);
    cr_assert_eq(rec.args[1], 1);
    cr_assert_eq(rec.numeric_args, 0x3f);
    cr_assert(rec.returned);
    cr_assert(rec.has_result);
    cr_assert_eq(rec.result, -22);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "mmap");
    cr_assert_eq(rec.nargs, 6);
    cr_assert_eq(rec.args[0], 0);
    cr_assert_eq(rec.args[1], 65536);
    cr_assert_eq(rec.args[2], 0);   /* flag names are not numbers */
    cr_assert_str_eq(rec.argstr[2], "PROT_READ|PROT_WRITE");
    cr_assert(qlog_has_flag(rec.argstr[3], "MAP_ANONYMOUS"));
    cr_assert_not(qlog_has_flag(rec.argstr[3], "MAP_ANON"));
    cr_assert_eq(rec.args[4], (uint64_t)-1);
    cr_assert_eq(rec.numeric_args, 0x33);
    cr_assert_eq(rec.result, 0x7f94c5d6d000);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "rt_sigaction");
    cr_assert_eq(rec.args[0], 10);   /* SIGUSR1 */
    cr_assert_eq(rec.args[1], 0x4000800770);
    cr_assert_eq(rec.numeric_args, 7);
    cr_assert_eq(rec.result, 0);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "prlimit64");
    cr_assert_eq(rec.nargs, 4);
    cr_assert_eq(rec.args[3], 0x7f45803ff410);
    cr_assert(rec.has_result);
    cr_assert_eq(rec.result, 0);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "rt_sigreturn");
    cr_assert_eq(rec.args[1], 274886294456);
    cr_assert_eq(rec.result, -513);

    next(r, &rec, QLOG_SYSCALL);   /* 7.2 prints the process id for every thread */
    cr_assert_str_eq(rec.name, "gettid");
    cr_assert_eq(rec.nargs, 0);
    cr_assert_eq(rec.tid, 27146);
    cr_assert_eq(rec.result, 27186);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "Unknown syscall");
    cr_assert_eq(rec.nr, 435);
    cr_assert_not(rec.returned);

    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "exit_group");
    cr_assert_eq(rec.nr, -1);
    cr_assert_eq(rec.nargs, 1);
    cr_assert_not(rec.returned);
    cr_assert_not(rec.has_result);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 1);
    cr_assert_eq(rec.pc, 0x401110);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.pc, 0x40113c);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "exit");
    cr_assert_eq(rec.tid, 20078);
    cr_assert_not(rec.has_result);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "futex");
    cr_assert_eq(rec.tid, 20076);
    cr_assert_eq(rec.nargs, 6);
    cr_assert_eq(rec.args[0], 0x402000);
    cr_assert_str_eq(rec.argstr[1], "FUTEX_WAIT");
    cr_assert_eq(rec.args[2], 20078);
    cr_assert(rec.has_result);
    cr_assert_eq(rec.result, 0);
    cr_assert_not(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "exit_group");
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_BLOCK);
    cr_assert_eq(rec.ninsns, 1);
    cr_assert_eq(rec.insns[0].addr, 0x4002952b42);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 2);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    cr_assert_eq(rec.nargs, 5);
    cr_assert(qlog_has_flag(rec.argstr[0], "CLONE_THREAD"));
    cr_assert_eq(rec.args[1], 0x400422ff70);   /* child_stack= */
    cr_assert_eq(rec.args[3], 0x40042306c0);   /* tls= */
    cr_assert_eq(rec.result, 27206);
    cr_assert_not(rec.fork_child);
    at_end(r);
    done(r);
}

/* 11.1: the new thread's first call is printed before its parent's clone returns, and
 * the clone's result lands right after it.  A sleep cannot return a thread id. */
Test(qemu_log, result_after_a_sleep_goes_to_the_overtaken_clone)
{
    qlog_reader *r = pipe_reader(
        "28028 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
        "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x00007f457f3fcf70,"
        "parent_tidptr=0x00007f457f3fd990,tls=0x00007f457f3fd6c0,child_tidptr=0x00007f457f3fd990)"
        "Trace 1: 0x7f4580425bc0 [00000000/00007f4588479a16/1040c0b3/00008200] \n"
        "28079 write(1,0x7f457fbfde80,24) = 24\n"
        "28079 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 20000000},NULL) = 28083\n");
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "write");
    cr_assert_eq(rec.result, 24);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    cr_assert_eq(rec.tid, 28028);
    cr_assert_eq(rec.result, 28083);
    /* the sleep never got its result in this excerpt: returned at the end, without */
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clock_nanosleep");
    cr_assert_eq(rec.tid, 28079);
    cr_assert_eq(rec.nargs, 4);
    cr_assert_str_eq(rec.argstr[2], "{tv_sec = 0,tv_nsec = 20000000}");
    cr_assert_eq(rec.numeric_args, 0xa);   /* 0 and NULL */
    cr_assert_not(rec.returned);
    cr_assert_not(rec.has_result);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_BLOCK);
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clock_nanosleep");
    cr_assert_str_eq(rec.argstr[2], "{tv_sec = 0,tv_nsec = 20000000}");   /* the oldest */
    cr_assert_eq(rec.result, 0);
    cr_assert(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "gettid");
    cr_assert_not(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.argstr[2], "{tv_sec = 0,tv_nsec = 40000000}");
    cr_assert(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.argstr[2], "{tv_sec = 0,tv_nsec = 60000000}");
    cr_assert_not(rec.returned);
    at_end(r);
    done(r);
}

/* 11.1: calls name their thread (learnt from the new thread's calls): a result line
 * goes to the waiting call whose thread starts a call first. */
Test(qemu_log, result_goes_to_the_thread_that_goes_on_first)
{
    qlog_reader *r = pipe_reader(
        "28028 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
        "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,child_stack=0x00007f457f3fcf70,"
        "parent_tidptr=0x00007f457f3fd990,tls=0x00007f457f3fd6c0,child_tidptr=0x00007f457f3fd990)"
        "Trace 1: 0x7f4580425bc0 [00000000/00007f4588479a16/1040c0b3/00008200] \n"
        "28079 write(1,0x7f457fbfde80,24) = 24\n"
        "28079 clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 20000000},NULL) = 28083\n"
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
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "write");
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    cr_assert_eq(rec.result, 28083);
    next(r, &rec, QLOG_EXEC);
    cr_assert_eq(rec.vcpu, 3);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "write");
    cr_assert_eq(rec.tid, 28085);
    cr_assert_eq(rec.result, 24);
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);   /* 28083 goes on first: not the oldest sleep, 28079's */
    cr_assert_str_eq(rec.name, "clock_nanosleep");
    cr_assert_eq(rec.tid, 28083);
    cr_assert(rec.has_result);
    cr_assert(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "gettid");
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clock_nanosleep");
    cr_assert_eq(rec.tid, 28028);
    cr_assert(rec.has_result);
    next(r, &rec, QLOG_EXEC);
    cr_assert_str_eq(rec.symbol, "work");
    /* the end: the calls still waiting, oldest first, without results */
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(rec.tid, 28079);
    cr_assert_not(rec.returned);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(rec.tid, 28085);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "futex");
    cr_assert_not(rec.returned);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "futex");
    cr_assert(rec.returned);
    cr_assert_not(rec.has_result);
    cr_assert(rec.result_ambiguous);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "exit");
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "openat");
    cr_assert_eq(rec.nargs, 3);
    cr_assert_eq((int64_t)rec.args[0], -100);
    cr_assert_str_eq(rec.argstr[1], "\"/tmp/a,b\"c)d\"");
    cr_assert_str_eq(rec.argstr[2], "O_RDONLY");
    cr_assert_eq(rec.numeric_args, 1);
    cr_assert_eq(rec.result, -2);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(rec.nargs, 3);
    cr_assert_str_eq(rec.argstr[1], "\"/tmp/new\nline,x\"");
    cr_assert_eq(rec.result, -2);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "write");
    cr_assert_eq(rec.args[1], 0x555555558021);
    /* execve that worked never returns: the log ends after it, without a newline */
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "execve");
    cr_assert_eq(rec.nargs, 2);
    cr_assert_str_eq(rec.argstr[0], "\"/bin/true\"");
    cr_assert_str_eq(rec.argstr[1], "{\"/bin/true\",\"x,y\",NULL}");
    cr_assert_not(rec.returned);
    cr_assert_not(rec.has_result);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    cr_assert_eq(rec.tid, 3226);
    cr_assert_eq(rec.result, 3228);
    cr_assert_not(rec.fork_child);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "clone");
    cr_assert(rec.fork_child);
    cr_assert_eq(rec.tid, 3228);
    cr_assert_eq(rec.result, 0);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "set_robust_list");
    cr_assert_eq(rec.tid, 3228);
    next(r, &rec, QLOG_BLOCK);
    cr_assert_str_eq(rec.symbol, "puts");
    next(r, &rec, QLOG_EXEC);
    cr_assert_str_eq(rec.symbol, "_exit");
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "exit_group");
    cr_assert_eq(rec.args[0], 5);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "wait4");
    cr_assert_eq(rec.args[3], 0);   /* (nil) */
    cr_assert_eq(rec.numeric_args, 0xf);
    cr_assert(rec.returned);
    cr_assert_not(rec.has_result);
    at_end(r);
    done(r);
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
    qlog_record rec;
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.signo, 11);
    cr_assert(rec.has_si_code);
    cr_assert_eq(rec.si_code, 1);
    cr_assert(rec.has_si_addr);
    cr_assert_eq(rec.si_addr, 0);
    cr_assert_eq(rec.tid, -1);
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.signo, 10);
    cr_assert_eq(rec.si_code, -6);
    cr_assert_not(rec.has_si_addr);
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.signo, 4);
    cr_assert_eq(rec.si_code, 2);
    cr_assert_eq(rec.si_addr, 0x40100e);
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.si_code, 0x80);
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.signo, 6);
    next(r, &rec, QLOG_SIGNAL);
    cr_assert_eq(rec.signo, 36);
    at_end(r);
    done(r);
}

Test(qemu_log, other_lines)
{
    qlog_reader *r = pipe_reader(
        "qemu: some message QEMU may write\n"
        " = 0\n"                 /* a return no call waits for */
        "12 monkeys\n");
    qlog_record rec;
    next(r, &rec, QLOG_OTHER);
    cr_assert_str_eq(rec.line, "qemu: some message QEMU may write");
    cr_assert_not(rec.truncated);
    next(r, &rec, QLOG_OTHER);
    cr_assert_str_eq(rec.line, " = 0");
    next(r, &rec, QLOG_OTHER);
    cr_assert_str_eq(rec.line, "12 monkeys");
    at_end(r);
    done(r);
}

/* --- the end of the log and broken lines --------------------------------------------- */

/* 11.1, a guest that SIGKILLs itself: the call never returns, the line never ends. */
Test(qemu_log, call_cut_by_the_end_of_the_log)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f6ee2800d80 [00000000/0000000000401157/1040c0b3/00000200] \n"
        "2998 tgkill(2998,2998,SIGKILL)");
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_str_eq(rec.name, "tgkill");
    cr_assert_eq(rec.args[2], 9);
    cr_assert_not(rec.returned);
    at_end(r);
    done(r);
}

Test(qemu_log, truncated_last_line)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200] \n"
        "Trace 0: 0x7f985c000240 [00000000/00000000004");
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_OTHER);
    cr_assert(rec.truncated);
    cr_assert_str_eq(rec.line, "Trace 0: 0x7f985c000240 [00000000/00000000004");
    at_end(r);
    done(r);
}

Test(qemu_log, truncated_block)
{
    qlog_reader *r = pipe_reader(
        "----------------\n"
        "IN: \n"
        "0x00401030:  b8 9e 00 00 00           movl     $0x9e, %eax\n"
        "0x00401035:  bf 01 50 00 00           movl     $0x5001, %edi\n"
        "0x0040103a:  be 01 00");
    qlog_record rec;
    next(r, &rec, QLOG_BLOCK);
    cr_assert(rec.truncated);
    cr_assert_eq(rec.ninsns, 2);
    cr_assert_eq(rec.insns[1].addr, 0x401035);
    at_end(r);
    done(r);
}

Test(qemu_log, malformed_line_names_its_number)
{
    qlog_reader *r = pipe_reader(
        "Trace 0: 0x7f985c000100 [00000000/0000000000401030/1040c0b3/00000200] \n"
        "20063 arch_prctl(20481,1,0,0,0,0) = -1 errno=22 (Invalid argument)\n"
        "Trace 0: 0x7f985c000240 [00000000/000000000040zz41/1040c0b3/00000200] \n"
        "Trace 0: 0x7f985c0003c0 [00000000/0000000000401000/1040c0b3/00000200] \n");
    qlog_record rec;
    next(r, &rec, QLOG_EXEC);
    next(r, &rec, QLOG_SYSCALL);
    cr_assert_eq(qlog_next(r, &rec), -1);
    cr_assert(strstr(qlog_error(r), "line 3") != NULL, "%s", qlog_error(r));
    next(r, &rec, QLOG_EXEC);   /* it goes on after the bad line */
    cr_assert_eq(rec.pc, 0x401000);
    at_end(r);
    done(r);
}

Test(qemu_log, malformed_block_line)
{
    qlog_reader *r = pipe_reader(
        "----------------\n"
        "IN: \n"
        "0x00401030:  b8 9e 00 00 00           movl     $0x9e, %eax\n"
        "movl $1, %esi\n"
        "\n");
    qlog_record rec;
    cr_assert_eq(qlog_next(r, &rec), -1);
    cr_assert(strstr(qlog_error(r), "line 4") != NULL, "%s", qlog_error(r));
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
