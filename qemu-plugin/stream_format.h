/* The stream cetharness's QEMU plugin writes and the harness's plugin engine reads.
 *
 * The plugin only observes; what any of it means for CET is the harness's business.
 * It tells: the blocks QEMU translates (address, instruction lengths, bytes), where a
 * vCPU goes when its code does not say where it goes next (after calls, returns and
 * indirect branches, and whenever a block starts that is not a successor of the one
 * before: signals, rt_sigreturn), the system calls with their arguments and results
 * and the guest memory some arguments point at, and each vCPU's thread.
 *
 * Transport: a ring of records in memory both processes map (cs_ring, stream_ring.h),
 * so that nothing needs a system call per record and everything written before QEMU
 * dies (a guest killed by a signal) can still be read.  All records are 8-byte aligned
 * and start with a cs_hdr.  The first 32-bit word (type, flags, vCPU) is written last
 * and is never 0: a 0 there means the record is not complete yet.
 *
 * The vCPU index is QEMU's: one per guest thread, reused after a thread ends (its
 * CS_VCPU_EXIT comes first).  Records of one vCPU are in the order things happened on
 * it; records of different vCPUs in an order consistent with what one caused on the
 * other (a block's CS_TB comes before any record naming it). */
#ifndef QEMU_PLUGIN_STREAM_FORMAT_H
#define QEMU_PLUGIN_STREAM_FORMAT_H

#include <stdint.h>

enum { CS_FORMAT_VERSION = 2 };

typedef enum cs_type {
    CS_HELLO = 1,   /* cs_small: a = CS_FORMAT_VERSION, b = QEMU's process id */
    CS_TB,          /* cs_tb: a block QEMU translated */
    CS_XFER,        /* cs_small: vCPU started block b after block a, which does not lead
                       there by itself (flags: CS_XFER_*) */
    CS_THREAD,      /* cs_small: the vCPU's first block is about to run; a = its thread id */
    CS_VCPU_EXIT,   /* cs_small: the vCPU's thread ended */
    CS_SYSCALL,     /* cs_syscall: a system call is about to run */
    CS_SYSRET,      /* cs_sysret: it returned (not sent for exit, exit_group, a working
                       execve, nor in the child of a fork) */
    CS_SYSMEM,      /* cs_sysmem: guest memory an argument of the vCPU's last CS_SYSCALL
                       points at, read before the call ran (execve's argv: one record per
                       string, in order) */
    CS_NOTE,        /* cs_hdr and a NUL-terminated text: something the plugin could not do */
    CS_LAYOUT,      /* cs_layout: where QEMU placed the program (before its first block) */
    CS_END,         /* cs_small: QEMU is exiting; nothing follows (but CS_CHILD_EXEC) */
    CS_CHILD_EXEC,  /* cs_child_exec: a forked child, which writes nothing else, is about to
                       exec a program (vCPU 0); with CS_CHILD_EXEC_FAILED, its latest exec
                       failed.  A child can outlive QEMU's CS_END. */
    CS_TYPES
} cs_type;

/* CS_XFER flags */
enum {
    CS_XFER_REACHED = 1,   /* block a's last instruction started (else a signal or a
                              restart cut block a short) */
};

/* CS_SYSMEM flags */
enum {
    CS_MEM_STRING = 1,     /* a NUL-terminated string (data holds it with its NUL) */
    CS_MEM_TRUNCATED = 2,  /* longer than the plugin reads */
};

/* CS_CHILD_EXEC flags */
enum {
    CS_CHILD_EXEC_FAILED = 1,   /* the child's latest exec returned an error (no path) */
};

typedef struct cs_hdr {
    uint32_t word;         /* CS_WORD(type, flags, vcpu); stored last, never 0 */
    uint32_t size;         /* bytes of the whole record, a multiple of 8 */
} cs_hdr;

#define CS_WORD(type, flags, vcpu) \
    ((uint32_t)(type) | (uint32_t)(flags) << 8 | (uint32_t)(vcpu) << 16)
#define CS_WORD_TYPE(w) ((w) & 0xffu)
#define CS_WORD_FLAGS(w) (((w) >> 8) & 0xffu)
#define CS_WORD_VCPU(w) ((w) >> 16)
#define CS_ALIGN8(n) (((n) + 7u) & ~7u)

typedef struct cs_small {
    cs_hdr h;
    uint32_t a, b;
} cs_small;

/* Followed by ninsns instruction lengths (bytes), then nbytes instruction bytes, then
 * zero padding to the record's size. */
typedef struct cs_tb {
    cs_hdr h;
    uint64_t pc;
    uint32_t id;           /* 0, 1, 2, ... in order of translation */
    uint16_t ninsns, nbytes;
} cs_tb;

typedef struct cs_syscall {
    cs_hdr h;
    int64_t num;
    uint64_t args[6];
} cs_syscall;

typedef struct cs_sysret {
    cs_hdr h;
    int64_t num;
    int64_t ret;           /* -errno on failure, as the kernel returns */
} cs_sysret;

/* Followed by len bytes of data and padding.  flags: CS_MEM_*. */
typedef struct cs_sysmem {
    cs_hdr h;
    int64_t num;
    uint32_t arg;          /* 0-based index of the argument that points at it */
    uint32_t len;
} cs_sysmem;

/* Followed by len bytes of the path (with its NUL; none when the call failed) and
 * padding. */
typedef struct cs_child_exec {
    cs_hdr h;
    uint32_t pid;          /* the child's process id */
    uint32_t len;
} cs_child_exec;

typedef struct cs_layout {
    cs_hdr h;
    uint64_t start_code;   /* the program's first executable segment */
    uint64_t entry;        /* where the guest starts: the loader's entry point when the
                              program has one */
} cs_layout;

/* The ring both processes map: a header (cs_ring_header, then each vCPU's latest block
 * at CS_LAST_BLOCK_OFFSET), then the data area. */
enum {
    CS_MAX_VCPUS = 4096,
    CS_LAST_BLOCK_OFFSET = 4096,
    CS_RING_HEADER_BYTES = CS_LAST_BLOCK_OFFSET + CS_MAX_VCPUS * 4,
    CS_RING_MAGIC = 0x63657472 /* "rtec" */,
};

typedef struct cs_ring_header {
    uint32_t magic, version;
    uint64_t data_bytes;                     /* a power of two */
    _Alignas(64) uint64_t reserved;          /* bytes handed to writers (atomic add) */
    _Alignas(64) uint64_t consumed;          /* bytes the reader is done with and zeroed */
    _Alignas(64) uint32_t reader_gone;       /* the harness stopped reading: drop records */
} cs_ring_header;
/* At CS_LAST_BLOCK_OFFSET: uint32_t last_block[CS_MAX_VCPUS], the id + 1 of the block
 * each vCPU started last (0: none), stored at every block: what a guest that a signal
 * killed was running when QEMU died, which no record can say. */

#endif
