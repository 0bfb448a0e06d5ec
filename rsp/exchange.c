/* Request/reply exchanges and the resume/stop cycle (which owns the running flag). */
#include "rsp_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { QUOTE_MAX = 40 }; /* how much of a request an error message repeats */

rsp_status rsp_exchange(rsp_conn *c, const char *request, const char **reply, size_t *len)
{
    rsp_status st = rsp_send_packet(c, request, strlen(request));
    if (st != RSP_OK)
        return st;
    st = rsp_recv_packet(c, c->reply_timeout_ms, reply, len);
    if (st == RSP_OK)
        c->stats.round_trips++;
    return st;
}

/* "Exx" or the newer "E.message" form; register and memory data are lower-case hex. */
static bool is_error_reply(const char *p, size_t n)
{
    if (n < 2 || p[0] != 'E')
        return false;
    if (p[1] == '.')
        return true;
    return n == 3 && rsp_hex_digit((unsigned char)p[1]) >= 0 &&
           rsp_hex_digit((unsigned char)p[2]) >= 0;
}

/* Only a well-formed stop reply counts: "Text=..." (qOffsets) starts with 'T' too. */
static bool is_stop_reply(const char *p, size_t n)
{
    rsp_stop ignored;
    return n > 0 && strchr("TSWX", p[0]) && rsp_parse_stop(p, n, &ignored) == RSP_OK;
}

rsp_status rsp_request(rsp_conn *c, const char *request, const char **reply, size_t *len)
{
    rsp_status st = rsp_exchange(c, request, reply, len);
    if (st != RSP_OK)
        return st;
    const char *p = *reply;
    int q = (int)strnlen(request, QUOTE_MAX);
    if (*len == 0)
        return rsp_fail(c, RSP_ERR_UNSUPPORTED, "the stub does not support '%.*s'", q, request);
    if (is_error_reply(p, *len))
        return rsp_fail(c, RSP_ERR_REPLY, "the stub replied %s to '%.*s'", p, q, request);
    if (is_stop_reply(p, *len))
        return rsp_fail(c, RSP_ERR_PROTOCOL,
                        "unexpected stop reply '%.*s' to '%.*s' (two threads stopped at once?)",
                        QUOTE_MAX, p, q, request);
    return RSP_OK;
}

static void format_resume(char *buf, size_t cap, rsp_resume_kind kind, int signal,
                          bool has_addr, uint64_t addr)
{
    bool step = kind == RSP_STEP;
    if (signal != 0 && step)
        snprintf(buf, cap, "vCont;S%02x", signal & 0xff); /* QEMU has no plain "S" */
    else if (signal != 0)
        snprintf(buf, cap, "C%02x", signal & 0xff);
    else if (has_addr)
        snprintf(buf, cap, "%c%" PRIx64, step ? 's' : 'c', addr);
    else
        snprintf(buf, cap, "%c", step ? 's' : 'c');
}

rsp_status rsp_resume(rsp_conn *c, rsp_resume_kind kind, int signal, bool has_addr, uint64_t addr)
{
    if (c->running)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "cannot send while the target runs");
    char packet[32];
    format_resume(packet, sizeof packet, kind, signal, has_addr, addr);
    rsp_status st = rsp_send_frame(c, packet, strlen(packet));
    /* Without the ack we cannot know whether the stub resumed; sending anything more
     * could swallow the stop reply, so assume it runs. */
    if (st == RSP_OK || st == RSP_ERR_TIMEOUT)
        c->running = true;
    if (st == RSP_OK)
        c->stats.resumes++;
    return st;
}

/* 'O' packets carry console output ("OK" never comes unasked). */
static bool is_console_output(const char *p, size_t n)
{
    return n > 0 && p[0] == 'O' && !(n == 2 && p[1] == 'K');
}

rsp_status rsp_wait_stop(rsp_conn *c, int timeout_ms, rsp_stop *out)
{
    if (!c->running)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "waiting for a stop but the target was not resumed");
    rsp_deadline dl = rsp_deadline_after(timeout_ms);
    for (;;) {
        const char *p;
        size_t n;
        rsp_status st = rsp_recv_until(c, dl, &p, &n);
        if (st != RSP_OK)
            return st;
        if (is_console_output(p, n))
            continue;
        st = rsp_parse_stop(p, n, out);
        if (st != RSP_OK)
            return rsp_fail(c, st, "expected a stop reply, got '%.*s'", QUOTE_MAX, p);
        c->running = false;
        return RSP_OK;
    }
}

void rsp_kill(rsp_conn *c)
{
    /* QEMU exits on "k" without answering, so nothing is awaited, and sending while the
     * target runs is fine here: the stub reads it at the next stop and exits. */
    static const char kill_frame[] = "$k#6b";
    if (rsp_io_write(c, kill_frame, sizeof kill_frame - 1) == RSP_OK)
        c->stats.packets_sent++;
    c->running = false;
}
