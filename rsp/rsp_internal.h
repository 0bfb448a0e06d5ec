/* Private to the rsp library: the connection object and the helpers its files share. */
#ifndef RSP_RSP_INTERNAL_H
#define RSP_RSP_INTERNAL_H

#include "rsp.h"

#include <stdarg.h>

enum {
    RSP_MAX_RETRIES = 3,                   /* resends after '-' / bad checksums in a row */
    RSP_RAW_MAX = 2 * RSP_MAX_PACKET,      /* escaped wire bytes between '$' and '#' */
    RSP_DEFAULT_PACKET_SIZE = 4096,
    RSP_DEFAULT_REPLY_TIMEOUT_MS = 5000,
    RSP_PAGE_SIZE = 4096,
};

typedef enum rsp_frame_state {
    RSP_FRAME_HUNT,   /* skipping acks and noise until '$' */
    RSP_FRAME_BODY,   /* collecting escaped payload until '#' */
    RSP_FRAME_SUM_HI, /* first checksum digit */
    RSP_FRAME_SUM_LO, /* second checksum digit */
} rsp_frame_state;

/* A point in CLOCK_MONOTONIC time; at_ms < 0 means "wait forever".  ms is kept for
 * the timeout message. */
typedef struct rsp_deadline {
    int64_t at_ms;
    int ms;
} rsp_deadline;

struct rsp_conn {
    int fd;
    bool running;                /* a resume packet went out and no stop reply came yet */
    int reply_timeout_ms;
    size_t packet_size;
    rsp_stats stats;
    FILE *trace;                 /* packet log, or NULL */
    char err[256];

    /* Bytes read from the socket and not yet consumed: survives between calls so that
     * coalesced packets and acks are not lost. */
    uint8_t in[8192];
    size_t in_pos, in_len;

    /* Frame being assembled; survives a timeout so a late tail still completes it. */
    rsp_frame_state frame_state;
    int frame_sum;               /* checksum digits so far; -1 if a digit was not hex */
    size_t raw_len;
    char raw[RSP_RAW_MAX];

    char payload[RSP_MAX_PACKET + 1];       /* last decoded packet, NUL-terminated */
    char out[RSP_RAW_MAX + 4];              /* framed outgoing packet */
    char req[RSP_MAX_PACKET + 1];           /* scratch for building typed requests */
};

rsp_status rsp_fail(rsp_conn *c, rsp_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* io.c */
rsp_deadline rsp_deadline_after(int timeout_ms);
bool rsp_deadline_passed(rsp_deadline dl);
rsp_status rsp_io_next_byte(rsp_conn *c, rsp_deadline dl, uint8_t *byte);
rsp_status rsp_io_write(rsp_conn *c, const void *buf, size_t len);

/* packet.c: send without the running check (resume and kill need it). */
rsp_status rsp_send_frame(rsp_conn *c, const char *payload, size_t len);
rsp_status rsp_recv_until(rsp_conn *c, rsp_deadline dl, const char **payload, size_t *len);

/* exchange.c: send + receive, counted as a round trip, no reply classification. */
rsp_status rsp_exchange(rsp_conn *c, const char *request, const char **reply, size_t *len);

/* packet.c: one line of the packet log, if there is one. */
void rsp_trace_packet(rsp_conn *c, const char *direction, const char *payload, size_t len);

/* codec.c */
int rsp_hex_digit(int ch);  /* 0..15, or -1 */
bool rsp_parse_hex_u64(const char *s, size_t n, uint64_t *out); /* 1..16 digits, all of s */

#endif
