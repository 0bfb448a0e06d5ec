/* GDB remote serial protocol client.
 *
 * Knows framing, checksums, escapes, run-length decoding, acknowledgements and
 * the handful of typed requests a debugger needs.  It knows nothing of CET and
 * nothing of x86 beyond "registers are bytes".
 *
 * Every function returns an rsp_status; on failure rsp_error() holds a
 * one-line, human-readable explanation that callers pass on to the user.
 */
#ifndef RSP_RSP_H
#define RSP_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

typedef enum rsp_status {
    RSP_OK = 0,
    RSP_ERR_IO = -1,          /* read/write/connect failed (errno text in rsp_error) */
    RSP_ERR_TIMEOUT = -2,     /* the deadline passed before a complete packet arrived */
    RSP_ERR_EOF = -3,         /* the peer closed the connection: target gone */
    RSP_ERR_PROTOCOL = -4,    /* malformed or unexpected packet (e.g. a stop reply where a
                                 command reply was expected, bad checksum after retries,
                                 oversized packet, sending while the target runs) */
    RSP_ERR_REPLY = -5,       /* the stub answered "Exx" */
    RSP_ERR_UNSUPPORTED = -6, /* the stub answered with an empty packet */
} rsp_status;

typedef struct rsp_conn rsp_conn;

typedef struct rsp_stats {
    uint64_t packets_sent;    /* packets we framed and sent (resends not counted) */
    uint64_t packets_received;
    uint64_t round_trips;     /* request/reply exchanges (rsp_request and typed wrappers) */
    uint64_t resumes;         /* c/C/s/vCont packets sent */
    uint64_t resends;         /* packets resent after a '-' */
    uint64_t bytes_sent;
    uint64_t bytes_received;
} rsp_stats;

enum { RSP_MAX_PACKET = 16384 }; /* largest payload we accept; larger is RSP_ERR_PROTOCOL */

/* --- connection ------------------------------------------------------- */

/* Connect to a unix-domain socket, retrying until it appears or timeout_ms passes.
 * On failure returns NULL and writes a message into err. */
rsp_conn *rsp_connect_unix(const char *path, int timeout_ms, char *err, size_t errlen);
/* Wrap an already connected stream fd (used by unit tests with socketpair). Takes ownership. */
rsp_conn *rsp_from_fd(int fd);
void rsp_close(rsp_conn *c);
int rsp_fd(const rsp_conn *c);

/* Deadline applied to every wait for a command reply (default 5000 ms). */
void rsp_set_reply_timeout(rsp_conn *c, int timeout_ms);
/* Log every packet sent ("rsp -> ...") and received ("rsp <- ...") to f; NULL: stop. */
void rsp_set_trace(rsp_conn *c, FILE *f);
const char *rsp_error(const rsp_conn *c);
const rsp_stats *rsp_get_stats(const rsp_conn *c);
/* Max payload the stub accepts, learned from qSupported PacketSize (default 4096). */
size_t rsp_packet_size(const rsp_conn *c);

/* --- packet layer ----------------------------------------------------- */

/* Frame ($..#cs with } escapes for $ # } *), send, wait for '+', resend on '-'
 * (at most 3 times).  Refuses (RSP_ERR_PROTOCOL) while the target is running. */
rsp_status rsp_send_packet(rsp_conn *c, const char *payload, size_t len);
/* Wait up to timeout_ms for one packet; verify its checksum ('-' and wait for the
 * resend on mismatch), decode } escapes and * run-length, acknowledge with '+'.
 * *payload points into the connection's buffer, valid until the next call; it is
 * NUL-terminated.  Stray '+'/'-' bytes before '$' are skipped. */
rsp_status rsp_recv_packet(rsp_conn *c, int timeout_ms, const char **payload, size_t *len);
/* One round trip: send request, receive reply.  An "Exx" reply gives RSP_ERR_REPLY,
 * an empty one RSP_ERR_UNSUPPORTED, a stop reply (T/S/W/X...) RSP_ERR_PROTOCOL.
 * When allow_empty is true an empty reply is RSP_OK (for commands like qXfer). */
rsp_status rsp_request(rsp_conn *c, const char *request, const char **reply, size_t *len);

/* --- codec helpers (pure, unit-tested) -------------------------------- */

uint8_t rsp_checksum(const char *data, size_t len);
/* Escape payload bytes for framing; returns the encoded length or 0 if out is too small. */
size_t rsp_escape(const char *in, size_t len, char *out, size_t outcap);
/* Decode } escapes and * run-length in place semantics into out; returns decoded length,
 * or (size_t)-1 on malformed input (RLE without a previous char, count out of range,
 * dangling escape) or when out is too small. */
size_t rsp_unescape(const char *in, size_t len, char *out, size_t outcap);
/* Hex helpers. */
size_t rsp_hex_encode(const void *in, size_t len, char *out);           /* out: 2*len+1 */
bool rsp_hex_decode(const char *hex, size_t hexlen, void *out);         /* hexlen even */

/* --- stop replies ----------------------------------------------------- */

typedef enum rsp_stop_kind {
    RSP_STOP_SIGNAL,   /* T or S: the target stopped with a signal (breakpoint = 5) */
    RSP_STOP_EXITED,   /* W: process exited, code in .code */
    RSP_STOP_KILLED,   /* X: process ended by a signal, in .signal */
} rsp_stop_kind;

typedef struct rsp_stop {
    rsp_stop_kind kind;
    int signal;          /* GDB signal number (T/S/X) */
    int code;            /* exit code (W) */
    bool has_thread;
    int64_t pid;         /* from thread:pPID.TID, -1 if absent */
    int64_t tid;         /* from thread:TID or thread:pPID.TID */
    bool has_syscall;    /* syscall_entry / syscall_return (QEMU >= 9) */
    bool syscall_return;
    int syscall_nr;
} rsp_stop;

/* Parse a stop reply payload.  Unknown key:value pairs are ignored. */
rsp_status rsp_parse_stop(const char *payload, size_t len, rsp_stop *out);

/* --- typed requests ---------------------------------------------------- */

/* qSupported with our features; fills packet size; copies the raw reply (may be NULL). */
rsp_status rsp_handshake(rsp_conn *c, const char *our_features, char *reply, size_t replycap);
/* "?" -> the current stop.  Note: QEMU removes all breakpoints on "?". */
rsp_status rsp_query_stop(rsp_conn *c, rsp_stop *out);
/* Read a whole qXfer object (e.g. "features","target.xml" or "auxv",""), chunked;
 * returns a malloc'ed buffer in *data (caller frees). */
rsp_status rsp_read_xfer(rsp_conn *c, const char *object, const char *annex,
                         char **data, size_t *len);
/* "g": raw register block; *len set to the number of bytes. */
rsp_status rsp_read_registers(rsp_conn *c, uint8_t *buf, size_t cap, size_t *len);
rsp_status rsp_read_register(rsp_conn *c, int regno, uint8_t *buf, size_t cap, size_t *len);
rsp_status rsp_write_register(rsp_conn *c, int regno, const void *value, size_t len);
/* "m"/"M": split at 4 KiB page boundaries and at the packet size. */
rsp_status rsp_read_memory(rsp_conn *c, uint64_t addr, void *buf, size_t len);
rsp_status rsp_write_memory(rsp_conn *c, uint64_t addr, const void *buf, size_t len);
/* Z0/z0 with kind 1. */
/* "Hg" (op 'g': the thread register and memory requests apply to) or "Hc" (op 'c':
 * the thread whose pc "c ADDR" sets); pid < 0: the bare tid form. */
rsp_status rsp_select_thread(rsp_conn *c, char op, int64_t pid, int64_t tid);
/* Has the stub sent anything unasked (already buffered, or arriving within wait_ms)? */
bool rsp_input_pending(rsp_conn *c, int wait_ms);

rsp_status rsp_insert_breakpoint(rsp_conn *c, uint64_t addr);
rsp_status rsp_remove_breakpoint(rsp_conn *c, uint64_t addr);

/* Resume without waiting.  signal 0 = none ("c"/"s"), else "C sig"; has_addr makes
 * "c ADDR"/"s ADDR" (ignored with a signal, as QEMU ignores it).  After this the
 * connection refuses to send until rsp_wait_stop returned a stop. */
typedef enum rsp_resume_kind { RSP_CONTINUE, RSP_STEP } rsp_resume_kind;
rsp_status rsp_resume(rsp_conn *c, rsp_resume_kind kind, int signal, bool has_addr, uint64_t addr);
/* Wait for the stop reply to the last resume; timeout_ms < 0 waits forever. */
rsp_status rsp_wait_stop(rsp_conn *c, int timeout_ms, rsp_stop *out);
/* "k": best effort, does not wait for a reply. */
void rsp_kill(rsp_conn *c);

#endif
