/* Typed requests: handshake, stop query, registers, breakpoints, qXfer objects. */
#include "rsp_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MIN_PACKET_SIZE = 64,          /* anything smaller is a broken qSupported reply */
    XFER_HEADROOM = 16,            /* the 'm'/'l' marker plus slack */
    XFER_MAX_TOTAL = 16 << 20,     /* no target description or auxv is this large */
};

static bool next_feature(const char **cursor, const char *end, const char **item, size_t *n)
{
    if (*cursor >= end)
        return false;
    const char *semi = memchr(*cursor, ';', (size_t)(end - *cursor));
    *item = *cursor;
    *n = semi ? (size_t)(semi - *cursor) : (size_t)(end - *cursor);
    *cursor += *n + (semi ? 1 : 0);
    return true;
}

static rsp_status learn_packet_size(rsp_conn *c, const char *reply, size_t len)
{
    static const char key[] = "PacketSize=";
    const size_t keylen = sizeof key - 1;
    const char *cursor = reply, *item;
    size_t n;
    while (next_feature(&cursor, reply + len, &item, &n)) {
        if (n <= keylen || memcmp(item, key, keylen) != 0)
            continue;
        uint64_t size;
        if (!rsp_parse_hex_u64(item + keylen, n - keylen, &size) || size < MIN_PACKET_SIZE)
            return rsp_fail(c, RSP_ERR_PROTOCOL, "bad PacketSize in qSupported reply: %.*s",
                            (int)n, item);
        c->packet_size = size;
    }
    return RSP_OK;
}

rsp_status rsp_handshake(rsp_conn *c, const char *our_features, char *reply, size_t replycap)
{
    bool have = our_features && our_features[0];
    int n = snprintf(c->req, sizeof c->req, "qSupported%s%s", have ? ":" : "",
                     have ? our_features : "");
    if (n < 0 || (size_t)n >= sizeof c->req)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "qSupported feature list too long");
    const char *p;
    size_t len;
    rsp_status st = rsp_request(c, c->req, &p, &len);
    if (st != RSP_OK)
        return st;
    if (reply && replycap > 0)
        snprintf(reply, replycap, "%s", p);
    return learn_packet_size(c, p, len);
}

rsp_status rsp_query_stop(rsp_conn *c, rsp_stop *out)
{
    const char *p;
    size_t len;
    rsp_status st = rsp_exchange(c, "?", &p, &len);
    if (st != RSP_OK)
        return st;
    if (rsp_parse_stop(p, len, out) != RSP_OK)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "'?' got '%.40s', not a stop reply", p);
    return RSP_OK;
}

static rsp_status append(rsp_conn *c, char **data, size_t *len, const char *p, size_t n)
{
    if (*len + n > XFER_MAX_TOTAL)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "qXfer object larger than %d bytes", XFER_MAX_TOTAL);
    char *grown = realloc(*data, *len + n + 1);
    if (!grown)
        return rsp_fail(c, RSP_ERR_IO, "out of memory reading a qXfer object");
    memcpy(grown + *len, p, n);
    *len += n;
    grown[*len] = '\0';
    *data = grown;
    return RSP_OK;
}

/* One chunk; *done when the stub said 'l' (last). */
static rsp_status xfer_chunk(rsp_conn *c, const char *object, const char *annex, char **data,
                             size_t *len, bool *done)
{
    size_t limit = c->packet_size < RSP_MAX_PACKET ? c->packet_size : RSP_MAX_PACKET;
    snprintf(c->req, sizeof c->req, "qXfer:%s:read:%s:%zx,%zx", object, annex, *len,
             limit - XFER_HEADROOM);
    const char *p;
    size_t n;
    rsp_status st = rsp_request(c, c->req, &p, &n);
    if (st != RSP_OK)
        return st;
    if (p[0] != 'l' && p[0] != 'm')
        return rsp_fail(c, RSP_ERR_PROTOCOL, "bad qXfer reply '%.20s' for %s", p, object);
    if (p[0] == 'm' && n == 1)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "qXfer %s: stub sent an empty chunk", object);
    *done = p[0] == 'l';
    return append(c, data, len, p + 1, n - 1);
}

rsp_status rsp_read_xfer(rsp_conn *c, const char *object, const char *annex, char **data,
                         size_t *len)
{
    if (strlen(object) + strlen(annex) > RSP_MAX_PACKET / 2)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "qXfer object or annex name too long");
    *data = NULL;
    *len = 0;
    rsp_status st = append(c, data, len, "", 0);
    for (bool done = false; st == RSP_OK && !done;)
        st = xfer_chunk(c, object, annex, data, len, &done);
    if (st != RSP_OK) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
    return st;
}

/* Decodes a hex reply into buf; the reply must be exactly 2*want bytes unless want is 0
 * (any length that fits cap). */
static rsp_status decode_hex_reply(rsp_conn *c, const char *what, const char *p, size_t n,
                                   uint8_t *buf, size_t cap, size_t want, size_t *got)
{
    if (n % 2 != 0 || n / 2 > cap || (want && n / 2 != want))
        return rsp_fail(c, RSP_ERR_PROTOCOL, "%s: reply of %zu hex digits does not fit", what, n);
    if (!rsp_hex_decode(p, n, buf))
        return rsp_fail(c, RSP_ERR_PROTOCOL, "%s: reply is not hex: '%.20s'", what, p);
    if (got)
        *got = n / 2;
    return RSP_OK;
}

rsp_status rsp_read_registers(rsp_conn *c, uint8_t *buf, size_t cap, size_t *len)
{
    const char *p;
    size_t n;
    rsp_status st = rsp_request(c, "g", &p, &n);
    return st != RSP_OK ? st : decode_hex_reply(c, "g", p, n, buf, cap, 0, len);
}

rsp_status rsp_read_register(rsp_conn *c, int regno, uint8_t *buf, size_t cap, size_t *len)
{
    char req[16];
    snprintf(req, sizeof req, "p%x", regno);
    const char *p;
    size_t n;
    rsp_status st = rsp_request(c, req, &p, &n);
    return st != RSP_OK ? st : decode_hex_reply(c, req, p, n, buf, cap, 0, len);
}

rsp_status rsp_write_register(rsp_conn *c, int regno, const void *value, size_t len)
{
    if (2 * len + 16 > sizeof c->req)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "register value of %zu bytes too long", len);
    int head = snprintf(c->req, sizeof c->req, "P%x=", regno);
    rsp_hex_encode(value, len, c->req + head);
    const char *p;
    size_t n;
    return rsp_request(c, c->req, &p, &n);
}

static rsp_status breakpoint(rsp_conn *c, char op, uint64_t addr)
{
    char req[40];
    snprintf(req, sizeof req, "%c0,%" PRIx64 ",1", op, addr);
    const char *p;
    size_t n;
    return rsp_request(c, req, &p, &n);
}

rsp_status rsp_insert_breakpoint(rsp_conn *c, uint64_t addr)
{
    return breakpoint(c, 'Z', addr);
}

rsp_status rsp_remove_breakpoint(rsp_conn *c, uint64_t addr)
{
    return breakpoint(c, 'z', addr);
}

rsp_status rsp_select_thread(rsp_conn *c, char op, int64_t pid, int64_t tid)
{
    char req[64];
    if (pid >= 0)
        snprintf(req, sizeof req, "H%cp%" PRIx64 ".%" PRIx64, op, (uint64_t)pid, (uint64_t)tid);
    else
        snprintf(req, sizeof req, "H%c%" PRIx64, op, (uint64_t)tid);
    const char *p;
    size_t n;
    rsp_status st = rsp_request(c, req, &p, &n);
    if (st == RSP_OK && !(n == 2 && memcmp(p, "OK", 2) == 0))
        return rsp_fail(c, RSP_ERR_PROTOCOL, "expected OK to '%s', got '%.*s'", req,
                        (int)(n < 40 ? n : 40), p);
    return st;
}
