/* Shared state of the QEMU log reader (qemu_log*.c): the read buffer and its lines, the
 * system calls waiting for their results, and the small number parsers of the hot path. */
#ifndef HARNESS_TRACE_QEMU_LOG_INTERNAL_H
#define HARNESS_TRACE_QEMU_LOG_INTERNAL_H

#include "engine/trace/qemu_log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { QLOG_MAX_ARGS = 6 };

/* A system call as parsed from its line, with its own copy of the argument texts
 * (NUL-separated in text; argofs[i] is where argument i starts). */
typedef struct qlog_call {
    qlog_record rec;
    char *text;
    size_t textlen, textcap;
    size_t argofs[QLOG_MAX_ARGS];
    int64_t caller_tid;    /* the number before the call */
    bool blocking;         /* a call that may wait (futex, nanosleep, read, ...) */
    bool forking;          /* fork, vfork, clone without CLONE_VM: two returns follow */
    bool fork_other;       /* one return of a forking call came; this waits for the other */
    int64_t first_result;  /* fork_other: the return already seen */
    bool announce_due;     /* waiting, its QLOG_SYSCALL_WAITING not returned yet */
} qlog_call;

/* The latest block a vCPU was announced to run (for "Stopped execution" lines). */
typedef struct qlog_seen { uint64_t tb, seq; } qlog_seen;

struct qlog_reader {
    int fd;
    char *buf;             /* cap + 1 + QLOG_BUF_PAD bytes; from buf[len] on all '\0' */
    size_t cap, len, pos;  /* unread data is buf[pos, len) */
    bool eof;
    bool is_pipe;          /* a FIFO QEMU writes into as it runs (not a finished file) */
    bool read_failed;      /* sticky */
    bool keep_malformed;   /* a fork was read: lines that do not parse are records */
    unsigned long lineno;  /* the physical line at pos */
    char err[384];
    qlog_insn *insns;
    size_t capinsns;
    char *sym;             /* the symbol of the block being returned */
    size_t capsym;
    qlog_call out;         /* the call being returned (its text backs rec->argstr) */
    qlog_call *pend;       /* calls printed, result not yet: oldest first */
    size_t npend, cappend; /* slots past npend keep their text buffers for reuse */
    int64_t new_tids[8];   /* the latest threads clone created (a ring) */
    unsigned nnew;
    bool per_thread_tids;  /* a call came from one of them: QEMU 9.2 or later, whose
                              calls name their thread (older ones the process) */
    bool announce_waiting; /* return QLOG_SYSCALL_WAITING records */
    bool announce_due;     /* a waiting call may not be announced yet (read per record) */
    uint64_t calls;        /* calls read so far: the last call_id given */
    qlog_seen *seen;       /* by vCPU index */
    size_t nseen;
    uint64_t seq;
};

/* --- lines (qemu_log.c) --- */
/* Make the physical line starting at offset off from pos available at buf + pos + off:
 * 1 with its length (without newline) in *n and *complete false when the log ended
 * before its newline; 0 when nothing is left; -1 on a read error (or a line too long).
 * It may move the buffer: take pointers again afterwards. */
int qlog_line_at(qlog_reader *r, size_t off, size_t *n, bool *complete);
/* Have at least `want` bytes from pos in the buffer if they can be read without waiting
 * (a FIFO gives what QEMU wrote so far); a read error is left for qlog_next to report. */
void qlog_read_ahead(qlog_reader *r, size_t want);
/* Done with the first `upto` bytes at pos, which hold `newlines` line ends. */
void qlog_consume(qlog_reader *r, size_t upto, unsigned newlines);
/* The line at pos (n bytes) as a QLOG_OTHER record; consumes it. */
int qlog_other(qlog_reader *r, size_t n, bool complete, qlog_record *rec);
/* A line with a known start that does not parse: -1 with the error (a line cut by the
 * end of the log is QLOG_OTHER with .truncated instead); consumes it. */
int qlog_malformed(qlog_reader *r, size_t n, bool complete, qlog_record *rec, const char *what);
bool qlog_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* --- the record parsers; each returns 1 (record), 0 (nothing to return yet), -1 --- */
int qlog_parse_block(qlog_reader *r, qlog_record *rec);
int qlog_parse_syscall(qlog_reader *r, size_t n, bool complete, qlog_record *rec);
int qlog_parse_result_line(qlog_reader *r, size_t n, bool complete, qlog_record *rec);
int qlog_parse_signal(qlog_reader *r, size_t n, bool complete, qlog_record *rec);
/* A waiting call not announced yet, as a QLOG_SYSCALL_WAITING record: 1, or 0 when
 * there is none. */
int qlog_announce_due(qlog_reader *r, qlog_record *rec);
/* At the end of the log: the next call that never returned, or 0. */
int qlog_flush_pending(qlog_reader *r, qlog_record *rec);
void qlog_calls_free(qlog_reader *r);

/* Signal number of "SIGSEGV" etc. (QEMU's names, SIGIOT for 6), 0 when unknown. */
int qlog_signal_number(const char *name, size_t len);

/* --- numbers --- */
extern const uint8_t qlog_hexval[256];   /* 0-15, 0xff for a non-hex character */

/* Hex digits at p (at most 16): the end, or NULL when there are none. */
static inline const char *qlog_hex(const char *p, uint64_t *v)
{
    const char *s = p;
    uint64_t x = 0;
    unsigned d;
    while ((d = qlog_hexval[(unsigned char)*p]) < 16) {
        x = x << 4 | d;
        p++;
    }
    if (p == s || p - s > 16)
        return NULL;
    *v = x;
    return p;
}

/* Past the hex digits at p, or NULL when there are none: for fields not needed. */
static inline const char *qlog_skip_hex(const char *p)
{
    const char *s = p;
    while (qlog_hexval[(unsigned char)*p] < 16)
        p++;
    return p == s ? NULL : p;
}

/* Zero bytes kept after the data in the read buffer, so that the field readers below
 * may look up to 16 bytes ahead of any position in it. */
enum { QLOG_BUF_PAD = 32 };

/* Eight hex digits at p without a branch per digit (the OR of their table values shows
 * a non-digit): a loop per digit mispredicts its exit on every field. */
static inline bool qlog_hex8(const char *p, uint32_t *v)
{
    const unsigned char *u = (const unsigned char *)p;
    const uint8_t *h = qlog_hexval;
    uint32_t d0 = h[u[0]], d1 = h[u[1]], d2 = h[u[2]], d3 = h[u[3]];
    uint32_t d4 = h[u[4]], d5 = h[u[5]], d6 = h[u[6]], d7 = h[u[7]];
    *v = d0 << 28 | d1 << 24 | d2 << 20 | d3 << 16 | d4 << 12 | d5 << 8 | d6 << 4 | d7;
    return (d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7) < 16;
}

static inline bool qlog_hex4(const char *p, uint32_t *v)
{
    const unsigned char *u = (const unsigned char *)p;
    const uint8_t *h = qlog_hexval;
    uint32_t d0 = h[u[0]], d1 = h[u[1]], d2 = h[u[2]], d3 = h[u[3]];
    *v = d0 << 12 | d1 << 8 | d2 << 4 | d3;
    return (d0 | d1 | d2 | d3) < 16;
}

/* A hex field of the read buffer ending at delim: the end, or NULL.  QEMU prints them
 * 8 (%08x), 12 (a host address) or 16 (%016lx) wide; those widths are read at once. */
static inline const char *qlog_hex_field(const char *p, char delim, uint64_t *v)
{
    uint32_t hi, lo;
    if (p[8] == delim) {
        if (qlog_hex8(p, &lo)) {
            *v = lo;
            return p + 8;
        }
    } else if (p[12] == delim) {
        if (qlog_hex4(p, &hi) && qlog_hex8(p + 4, &lo)) {
            *v = (uint64_t)hi << 32 | lo;
            return p + 12;
        }
    } else if (p[16] == delim) {
        if (qlog_hex8(p, &hi) && qlog_hex8(p + 8, &lo)) {
            *v = (uint64_t)hi << 32 | lo;
            return p + 16;
        }
    }
    const char *e = qlog_hex(p, v);
    return e && *e == delim ? e : NULL;
}

/* Decimal digits at p (at most 19): the end, or NULL. */
static inline const char *qlog_dec(const char *p, uint64_t *v)
{
    const char *s = p;
    uint64_t x = 0;
    while (*p >= '0' && *p <= '9') {
        x = x * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == s || p - s > 19)
        return NULL;
    *v = x;
    return p;
}

/* Does p start with lit?  Stops at the first difference, so it never reads past the
 * '\n' or the '\0' that ends every line in the buffer. */
static inline bool qlog_starts(const char *p, const char *lit, size_t litlen)
{
    for (size_t i = 0; i < litlen; i++)
        if (p[i] != lit[i])
            return false;
    return true;
}
#define QLOG_STARTS(p, lit) qlog_starts((p), (lit), sizeof(lit) - 1)

#endif
