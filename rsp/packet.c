/* Packet layer: framing, acknowledgements, and the receive state machine. */
#include "rsp_internal.h"

#include <ctype.h>
#include <stdio.h>

static const char hex_digits[] = "0123456789abcdef";

static rsp_status frame_packet(rsp_conn *c, const char *payload, size_t len, size_t *framed)
{
    /* QEMU silently drops a packet that overflows its line buffer and the client then
     * waits for an ack that never comes; refuse it here with a clear message instead. */
    if (len >= c->packet_size || len > RSP_MAX_PACKET)
        return rsp_fail(c, RSP_ERR_PROTOCOL,
                        "a %zu-byte packet exceeds the stub's packet size of %zu bytes", len,
                        c->packet_size);
    size_t body = rsp_escape(payload, len, c->out + 1, RSP_RAW_MAX);
    if (body == 0 && len > 0)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "packet too long after escaping");
    uint8_t sum = rsp_checksum(c->out + 1, body);
    c->out[0] = '$';
    c->out[body + 1] = '#';
    c->out[body + 2] = hex_digits[sum >> 4];
    c->out[body + 3] = hex_digits[sum & 15];
    *framed = body + 4;
    return RSP_OK;
}

static void describe_byte(uint8_t b, char *buf, size_t cap)
{
    if (isprint(b))
        snprintf(buf, cap, "'%c'", b);
    else
        snprintf(buf, cap, "0x%02x", b);
}

/* After a packet the stub answers with exactly one byte: '+' or '-' (resend). */
static rsp_status wait_for_ack(rsp_conn *c, bool *nak)
{
    uint8_t b;
    rsp_status st = rsp_io_next_byte(c, rsp_deadline_after(c->reply_timeout_ms), &b);
    if (st != RSP_OK)
        return st;
    *nak = b == '-';
    if (b == '+' || b == '-')
        return RSP_OK;
    char what[8];
    describe_byte(b, what, sizeof what);
    return rsp_fail(c, RSP_ERR_PROTOCOL, "expected '+' after sending a packet, got %s", what);
}

enum { TRACE_MAX = 120 }; /* payload bytes a trace line shows */

void rsp_trace_packet(rsp_conn *c, const char *direction, const char *payload, size_t len)
{
    if (!c->trace)
        return;
    int shown = (int)(len < TRACE_MAX ? len : TRACE_MAX);
    fprintf(c->trace, "rsp %s %.*s%s\n", direction, shown, payload, len > TRACE_MAX ? "..." : "");
}

rsp_status rsp_send_frame(rsp_conn *c, const char *payload, size_t len)
{
    size_t framed = 0;
    rsp_trace_packet(c, "->", payload, len);
    rsp_status st = frame_packet(c, payload, len, &framed);
    if (st != RSP_OK)
        return st;
    c->stats.packets_sent++;
    for (int attempt = 0;; attempt++) {
        st = rsp_io_write(c, c->out, framed);
        if (st != RSP_OK)
            return st;
        bool nak = false;
        st = wait_for_ack(c, &nak);
        if (st != RSP_OK || !nak)
            return st;
        if (attempt == RSP_MAX_RETRIES)
            return rsp_fail(c, RSP_ERR_PROTOCOL, "the stub rejected packet '%.*s' %d times",
                            (int)(len < 40 ? len : 40), payload, attempt + 1);
        c->stats.resends++;
    }
}

rsp_status rsp_send_packet(rsp_conn *c, const char *payload, size_t len)
{
    if (c->running)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "cannot send while the target runs");
    return rsp_send_frame(c, payload, len);
}

/* Advances the frame state machine by one byte; *complete when the second checksum
 * digit arrived. */
static rsp_status feed_byte(rsp_conn *c, uint8_t b, bool *complete)
{
    int digit = rsp_hex_digit(b);
    switch (c->frame_state) {
    case RSP_FRAME_HUNT:
        if (b == '$') {
            c->raw_len = 0;
            c->frame_state = RSP_FRAME_BODY;
        }
        return RSP_OK;
    case RSP_FRAME_BODY:
        if (b == '#') {
            c->frame_state = RSP_FRAME_SUM_HI;
        } else if (b == '$') {
            c->raw_len = 0; /* '$' cannot occur unescaped: the sender restarted */
        } else if (c->raw_len == RSP_RAW_MAX) {
            c->frame_state = RSP_FRAME_HUNT;
            return rsp_fail(c, RSP_ERR_PROTOCOL, "received packet longer than %d bytes",
                            RSP_RAW_MAX);
        } else {
            c->raw[c->raw_len++] = (char)b;
        }
        return RSP_OK;
    case RSP_FRAME_SUM_HI:
        c->frame_sum = digit < 0 ? -1 : digit << 4;
        c->frame_state = RSP_FRAME_SUM_LO;
        return RSP_OK;
    case RSP_FRAME_SUM_LO:
        if (digit < 0 || c->frame_sum < 0)
            c->frame_sum = -1;
        else
            c->frame_sum |= digit;
        c->frame_state = RSP_FRAME_HUNT;
        *complete = true;
        return RSP_OK;
    }
    return RSP_OK;
}

/* The frame checked out: acknowledge it, then decode escapes and run-lengths. */
static rsp_status deliver(rsp_conn *c, const char **payload, size_t *len)
{
    rsp_status st = rsp_io_write(c, "+", 1);
    if (st != RSP_OK)
        return st;
    c->stats.packets_received++;
    size_t n = rsp_unescape(c->raw, c->raw_len, c->payload, RSP_MAX_PACKET);
    if (n == (size_t)-1)
        return rsp_fail(c, RSP_ERR_PROTOCOL,
                        "received packet is malformed (bad escape or run-length) or decodes "
                        "to more than %d bytes", RSP_MAX_PACKET);
    c->payload[n] = '\0';
    rsp_trace_packet(c, "<-", c->payload, n);
    *payload = c->payload;
    *len = n;
    return RSP_OK;
}

rsp_status rsp_recv_packet(rsp_conn *c, int timeout_ms, const char **payload, size_t *len)
{
    return rsp_recv_until(c, rsp_deadline_after(timeout_ms), payload, len);
}

rsp_status rsp_recv_until(rsp_conn *c, rsp_deadline dl, const char **payload, size_t *len)
{
    int bad_sums = 0;
    for (;;) {
        uint8_t b;
        bool complete = false;
        rsp_status st = rsp_io_next_byte(c, dl, &b);
        if (st == RSP_OK)
            st = feed_byte(c, b, &complete);
        if (st != RSP_OK)
            return st;
        if (!complete)
            continue;
        if (c->frame_sum == rsp_checksum(c->raw, c->raw_len))
            return deliver(c, payload, len);
        if (++bad_sums > RSP_MAX_RETRIES)
            return rsp_fail(c, RSP_ERR_PROTOCOL, "packet checksum still wrong after %d resends",
                            RSP_MAX_RETRIES);
        st = rsp_io_write(c, "-", 1);
        if (st != RSP_OK)
            return st;
    }
}
