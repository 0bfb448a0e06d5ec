/* Guest memory through "m"/"M", split so that each request stays inside one page and
 * inside the stub's packet size. */
#include "rsp_internal.h"

#include <inttypes.h>
#include <stdio.h>

/* "Maddr,len:" with a 16-digit address and a 4-digit length, plus slack. */
enum { WRITE_HEADER_MAX = 32 };

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* QEMU fails the whole request with E14 if any page of it is unmapped, so a read that
 * crosses into an unmapped page must not take the mapped part down with it. */
static size_t to_page_end(uint64_t addr)
{
    return RSP_PAGE_SIZE - (size_t)(addr % RSP_PAGE_SIZE);
}

/* QEMU accepts "m" lengths up to half its packet buffer (the hex reply fills it). */
static size_t read_chunk(const rsp_conn *c)
{
    return min_size(c->packet_size, RSP_MAX_PACKET) / 2;
}

static size_t write_chunk(const rsp_conn *c)
{
    return (min_size(c->packet_size, RSP_MAX_PACKET) - WRITE_HEADER_MAX) / 2;
}

static rsp_status read_piece(rsp_conn *c, uint64_t addr, uint8_t *buf, size_t n)
{
    char req[48];
    snprintf(req, sizeof req, "m%" PRIx64 ",%zx", addr, n);
    const char *p;
    size_t len;
    rsp_status st = rsp_request(c, req, &p, &len);
    if (st != RSP_OK)
        return st;
    if (len != 2 * n)
        return rsp_fail(c, RSP_ERR_PROTOCOL, "'%s' returned %zu hex digits, expected %zu", req,
                        len, 2 * n);
    if (!rsp_hex_decode(p, len, buf))
        return rsp_fail(c, RSP_ERR_PROTOCOL, "'%s' returned non-hex data", req);
    return RSP_OK;
}

rsp_status rsp_read_memory(rsp_conn *c, uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len > 0) {
        size_t n = min_size(min_size(len, to_page_end(addr)), read_chunk(c));
        rsp_status st = read_piece(c, addr, out, n);
        if (st != RSP_OK)
            return st;
        addr += n;
        out += n;
        len -= n;
    }
    return RSP_OK;
}

static rsp_status write_piece(rsp_conn *c, uint64_t addr, const uint8_t *data, size_t n)
{
    int head = snprintf(c->req, sizeof c->req, "M%" PRIx64 ",%zx:", addr, n);
    rsp_hex_encode(data, n, c->req + head);
    const char *p;
    size_t len;
    rsp_status st = rsp_request(c, c->req, &p, &len);
    if (st == RSP_OK && !(len == 2 && p[0] == 'O' && p[1] == 'K'))
        return rsp_fail(c, RSP_ERR_PROTOCOL, "'M' at 0x%" PRIx64 " answered '%.20s', not OK",
                        addr, p);
    return st;
}

rsp_status rsp_write_memory(rsp_conn *c, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    while (len > 0) {
        size_t n = min_size(min_size(len, to_page_end(addr)), write_chunk(c));
        rsp_status st = write_piece(c, addr, in, n);
        if (st != RSP_OK)
            return st;
        addr += n;
        in += n;
        len -= n;
    }
    return RSP_OK;
}
