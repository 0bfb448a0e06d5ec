/* cetharness's QEMU plugin: state shared by its files.
 *
 * The plugin observes and tells (stream_format.h); it keeps no CET state and decides
 * nothing.  Its files: plugin_main.c (loading, arguments, the probe, vCPUs, exit),
 * plugin_blocks.c (translation and the per-block callbacks), plugin_syscalls.c (system
 * calls and the guest memory they point at), plugin_emit.c (writing records),
 * block_end.c (what a block's last instruction does), stream_ring.c (the shared ring). */
#ifndef QEMU_PLUGIN_PLUGIN_STATE_H
#define QEMU_PLUGIN_PLUGIN_STATE_H

#include "block_end.h"
#include "stream_ring.h"

#include <stdbool.h>
#include <stdint.h>

#include <qemu/qemu-plugin.h>

enum { MAX_VCPUS = CS_MAX_VCPUS };

/* A translated block, the user data of its callbacks.  Never freed: API v1 does not
 * say when QEMU drops a translation, and they are small. */
typedef struct tb_info {
    uint64_t pc, end;            /* end: past its last instruction */
    uint64_t target;             /* its last instruction's direct target, 0 if none */
    uint32_t id;
    block_end_kind kind;
} tb_info;

/* One vCPU (a guest thread), touched only by that thread (and by QEMU's exit path
 * while every vCPU is parked). */
typedef struct vcpu_state {
    const tb_info *last;         /* the block it started last, NULL before its first */
    bool reached_end;            /* that block's last instruction started */
    bool announced;              /* its CS_THREAD record is out */
} __attribute__((aligned(64))) vcpu_state;

extern cs_ring plugin_ring;
extern vcpu_state plugin_vcpus[MAX_VCPUS];
extern int plugin_pid;           /* QEMU's process id when the plugin was loaded */
extern bool plugin_detached;     /* a forked child: it writes nothing */

/* A fork's child: from now on this process writes nothing into the ring (main). */
void plugin_leave_stream(void);

/* plugin_emit.c: each writes one record, or nothing once the reader or this process
 * (a fork child) is out of the stream. */
void emit_small(cs_type type, unsigned flags, unsigned vcpu, uint32_t a, uint32_t b);
void emit_tb(uint64_t pc, uint32_t id, const uint8_t *lens, unsigned ninsns,
             const uint8_t *bytes, unsigned nbytes);
void emit_syscall(unsigned vcpu, int64_t num, const uint64_t args[6]);
void emit_sysret(unsigned vcpu, int64_t num, int64_t ret);
void emit_sysmem(unsigned vcpu, int64_t num, unsigned arg, unsigned flags, const void *data,
                 uint32_t len);
void emit_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void emit_layout(uint64_t start_code, uint64_t entry);
/* Written by a fork's child, out of the stream otherwise: the program it is about to
 * exec (path), or NULL after its exec failed. */
void emit_child_exec(const char *path);

/* plugin_blocks.c */
void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
/* Where guest address 0 is in this process: false until a translation showed it. */
bool guest_memory_base(uintptr_t *base);

/* plugin_syscalls.c */
void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1, uint64_t a2,
                uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8);
void on_syscall_return(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, int64_t ret);

#endif
