/* The trace engine's own state, shared by its files and nobody else. */
#ifndef HARNESS_TRACE_STATE_H
#define HARNESS_TRACE_STATE_H

#include "engine/trace/qemu_log.h"
#include "engine/trace/trace_engine.h"
#include "model/cet_model.h"
#include "util/addr_map.h"

#include <stdbool.h>
#include <stdint.h>

enum { TRACE_MAX_VCPUS = 512, TRACE_MAX_DEFERRED = 16, TRACE_MAX_FDS = 1024,
       TRACE_MAX_LATER_THREADS = 256, TRACE_MAX_WAITING_CALLS = 64, TRACE_STOP_ROUNDS = 64 };

/* The restorer the model's signal frames hold (trace_threads.c). */
extern const uint64_t TRACE_RESTORER_UNKNOWN;

/* A block as QEMU translated it: its instructions in trace_state.insns, and what its
 * last one is, decoded once (blocks run many times). */
typedef struct trace_block {
    uint64_t pc;
    size_t first, n;
    int last_kind;               /* insn_kind of the last instruction */
    bool last_notrack;
    bool has_cet_insn;           /* RDSSP, INCSSP, ... somewhere in it */
} trace_block;

/* A transfer whose target is not known yet: a signal came between the block and the
 * next; it is resolved by the first block after the handler's rt_sigreturn. */
typedef struct deferred_transfer { bool has_block; size_t block; } deferred_transfer;

typedef struct trace_thread {
    bool live;
    int number;                  /* 1, 2, ... in order of first appearance */
    int64_t tid;                 /* learnt from the system calls; -1 until then */
    bool has_prev; size_t prev;  /* the last block it executed */
    bool in_syscall;             /* that block ended with a syscall */
    uint64_t waiting_call;       /* the call_id of its call that waits for its result,
                                    while it has not run since; 0: none */
    uint64_t last_tb;            /* QEMU's host code of that block */
    unsigned stop_round;         /* one of several threads QEMU may have stopped before
                                    last_tb (trace_on_stopped); 0: none */
    int signal;                  /* delivered, its handler's block comes next; 0: none */
    bool signal_sync;            /* a fault: the interrupted block did not complete */
    deferred_transfer deferred[TRACE_MAX_DEFERRED]; int ndeferred;
    bool resolve_next;           /* rt_sigreturn seen: the next block resolves deferred[] */
} trace_thread;

/* A call announced waiting, and the thread it was given to then. */
typedef struct waiting_call { uint64_t call_id; int vcpu, number; } waiting_call;

typedef struct trace_state {
    const engine_config *opt;
    run_outcome *out;
    cet_model *model;
    qlog_insn *insns; size_t ninsns, capinsns;
    trace_block *blocks; size_t nblocks, capblocks;
    addr_map block_at;           /* pc -> index + 1 of its latest translation */
    trace_thread threads[TRACE_MAX_VCPUS];
    int thread_numbers;
    int last_vcpu;               /* of the last block executed */
    waiting_call waiting[TRACE_MAX_WAITING_CALLS];   /* a ring; call_id 0: a free slot */
    unsigned stop_rounds;        /* "Stopped execution" lines with several candidates */
    int stop_left[TRACE_STOP_ROUNDS];   /* by round: candidates not yet told; -1 settled */
    unsigned next_waiting;
    bool first_block_seen;
    bool stop;                   /* --on-violation=stop: end the guest now */
    bool forked;                 /* the guest forked: its blocks are no longer checked */
    int64_t later_threads[TRACE_MAX_LATER_THREADS];   /* the guest's threads made after it */
    int nlater_threads;
    bool dispositions_known;     /* rt_sigaction's dispositions reach the model (the plugin
                                    engine reads them); else a delivery installs one with
                                    the block that follows as its handler */
    bool handler_installed[65];  /* rt_sigaction gave the signal an action */
    int last_signal;             /* the last signal QEMU delivered (a crash if it ends the guest) */
    char *fd_paths[TRACE_MAX_FDS];  /* what the guest opened, to name the files it maps */
    long qemu_pid;
} trace_state;

/* trace_follow.c: the log, record by record. */
int trace_state_init(trace_state *s, const engine_config *opt, run_outcome *out, long qemu_pid);
void trace_state_free(trace_state *s);
/* Read the log from fd (closed at the end) until it ends or s->stop; 0, or -1 with
 * s->out->message set. */
int trace_follow(trace_state *s, int fd);

/* trace_blocks.c */
/* A block as translated (n instructions); its index in s->blocks in *index (may be NULL).
 * -1: out of memory. */
int trace_add_block(trace_state *s, const qlog_insn *insns, size_t n, size_t *index);
const trace_block *trace_block_at(const trace_state *s, uint64_t pc);
/* Up to 4 bytes at pc from the blocks QEMU translated (0 when none starts there). */
size_t trace_bytes_at(const trace_state *s, uint64_t pc, uint8_t out[4]);

/* trace_threads.c: a thread the model does not know yet starts on its vCPU. */
int trace_thread_start(trace_state *s, trace_thread *t);
/* trace_threads.c: a block executed on a vCPU; trace_enter_block when the block at pc
 * is known already (NULL: none was translated there). */
int trace_on_exec(trace_state *s, int vcpu, uint64_t pc);
int trace_enter_block(trace_state *s, int vcpu, uint64_t pc, const trace_block *b);
/* trace_stopped.c: QEMU left the block at host code tb before its first instruction, in
 * the thread that announced it last (the line does not say which, when several did). */
void trace_on_stopped(trace_state *s, uint64_t tb);
/* trace_stopped.c: thread t, one of those candidates, goes on at pc: was it the one
 * stopped?  Then its last block did not run (has_prev cleared). */
void trace_resolve_stop(trace_state *s, trace_thread *t, uint64_t pc);
/* The model event of one transfer; also used when a deferred one is resolved. */
int trace_transfer(trace_state *s, trace_thread *t, size_t from_block, uint64_t to);
/* Does a block ending in an instruction of this kind (insn_kind) end in a transfer the
 * model checks: a near or far call, return, indirect or far jump, IRET? */
bool trace_ends_in_checked_transfer(int kind);
int64_t trace_model_tid(const trace_state *s, const trace_thread *t);
/* Warn of the CET instructions in block b, whose effect a stop-free engine cannot give. */
void trace_note_cet_instructions(trace_state *s, const trace_block *b);

/* trace_files.c: files the guest opens and maps, for naming addresses in reports. */
void trace_on_file_syscall(trace_state *s, const qlog_record *rec);
/* What a system call did, whoever saw it: fd is path[0, len); the file open as fd was
 * mapped at addr (len bytes from offset); fd was closed. */
void trace_file_opened(trace_state *s, int64_t fd, const char *path, size_t len);
void trace_file_mapped(trace_state *s, uint64_t addr, uint64_t len, uint64_t offset, int64_t fd);
void trace_fd_closed(trace_state *s, int64_t fd);
void trace_files_free(trace_state *s);

/* trace_processes.c: exec and fork, which the engine does not follow (not_checked). */
void trace_note_processes(trace_state *s, const qlog_record *rec);
void trace_stop_checking_at_fork(trace_state *s);
/* A system call line another process's output cut (after the fork): what it shows. */
void trace_note_cut_call(trace_state *s, const char *line);

/* trace_records.c: what system calls do to the model, whoever saw them: a thread's
 * end, rt_sigreturn, the kernel's CET ABI (name for messages; QEMU's result if known). */
int trace_thread_exit(trace_state *s, trace_thread *t);
void trace_sigreturn(trace_state *s, trace_thread *t);
int trace_cet_syscall(trace_state *s, trace_thread *t, const char *name, uint64_t nr,
                      const uint64_t args[6], bool has_result, int64_t result);
/* trace_records.c: system calls, signals and QEMU's other lines as the log shows them. */
int trace_on_syscall(trace_state *s, const qlog_record *rec);
void trace_on_syscall_waiting(trace_state *s, const qlog_record *rec);
int trace_on_signal(trace_state *s, const qlog_record *rec);
void trace_on_other(trace_state *s, const char *line);
/* trace_layout.c: QEMU placed the program's first executable segment at start_code, and
 * the guest starts at entry (the loader's entry point when there is a loader). */
void trace_place_program(trace_state *s, uint64_t start_code);
void trace_place_loader(trace_state *s, uint64_t entry);

#endif
