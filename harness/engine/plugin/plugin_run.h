/* The plugin engine's own state, shared by its files and nobody else: the ring, the
 * trace core it feeds, which core block each of the plugin's blocks is, and each
 * vCPU's system call in progress. */
#ifndef HARNESS_PLUGIN_RUN_H
#define HARNESS_PLUGIN_RUN_H

#include "engine/trace/trace_guest.h"
#include "engine/trace/trace_state.h"
#include "qemu-plugin/stream_ring.h"

#include <stdbool.h>
#include <stdint.h>

enum { PLUGIN_MAX_HANDLERS = 64 };

/* The system call a vCPU is in, from its CS_SYSCALL to its CS_SYSRET. */
typedef struct plugin_call {
    bool active;
    int64_t num;
    uint64_t args[6];
    char *path; size_t pathlen;    /* a path argument (open, openat, execve) */
    char *argv[UNCHECKED_ARGV_MAX]; size_t argc;   /* execve's arguments */
    bool has_action;               /* rt_sigaction's new action: handler, flags, restorer */
    uint64_t action[3];
} plugin_call;

/* A forked child's latest exec that has not failed (plugin_children.c). */
typedef struct plugin_child_exec { uint32_t pid; char *path; } plugin_child_exec;

typedef struct plugin_run {
    trace_state *core;
    cs_ring ring;
    uint32_t *block_of;            /* the plugin's block id -> core block index + 1 */
    size_t capblock_of;
    plugin_call calls[TRACE_MAX_VCPUS];
    uint64_t handlers[PLUGIN_MAX_HANDLERS];   /* the signal handlers installed now */
    size_t nhandlers;
    bool hello, ended;
    int last_vcpu;                 /* of the last record naming one */
    uint32_t qemu_pid;             /* from CS_HELLO: the guest's process id */
    bool said_unexplained;
    plugin_child_exec *child_execs; size_t nchild_execs;
} plugin_run;

/* plugin_follow.c: read the ring until the stream ends, QEMU is gone or the core stops
 * (trace_state.stop).  0, or -1 with the core's out->message. */
int plugin_follow(plugin_run *p, trace_guest *g);
/* One record (complete, from the ring): 0, or -1 with the core's out->message. */
int plugin_on_record(plugin_run *p, const cs_hdr *h);
int plugin_fail(plugin_run *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* plugin_transfers.c */
int plugin_on_block(plugin_run *p, const cs_tb *r);
int plugin_on_xfer(plugin_run *p, unsigned vcpu, unsigned flags, uint32_t from, uint32_t to);
/* Block id -> core block, NULL when the plugin never described it. */
const trace_block *plugin_block(const plugin_run *p, uint32_t id);
/* After the model's dispositions changed: the handlers a vCPU may be sent to. */
void plugin_refresh_handlers(plugin_run *p);

/* plugin_syscalls.c */
int plugin_on_syscall(plugin_run *p, unsigned vcpu, const cs_syscall *r);
void plugin_on_sysmem(plugin_run *p, unsigned vcpu, unsigned flags, const cs_sysmem *r);
int plugin_on_sysret(plugin_run *p, unsigned vcpu, const cs_sysret *r);
void plugin_calls_free(plugin_run *p);   /* and the children's pending execs */
/* At the end: an execve still in progress worked, and its program ran unwatched. */
void plugin_note_exec(plugin_run *p);

/* plugin_children.c: a child's CS_CHILD_EXEC; at the end, the children's programs into
 * the report's not_checked (and forgotten); or just forgotten. */
int plugin_on_child_exec(plugin_run *p, unsigned flags, const cs_child_exec *r);
void plugin_note_child_execs(plugin_run *p);
void plugin_forget_child_execs(plugin_run *p);

#endif
