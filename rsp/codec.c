/* Pure byte-level codec: checksum, escapes, run-length decoding, hex. */
#include "rsp_internal.h"

#include <string.h>

/* Run-length count characters the protocol allows: printable, below 127, and never
 * '#' or '$' (they would end or restart the frame).  ' ' stands for 3 extra copies. */
enum { RLE_COUNT_MIN = ' ', RLE_COUNT_MAX = '~', RLE_COUNT_BIAS = 29 };

uint8_t rsp_checksum(const char *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    return sum;
}

static bool needs_escape(char ch)
{
    return ch == '$' || ch == '#' || ch == '}' || ch == '*';
}

size_t rsp_escape(const char *in, size_t len, char *out, size_t outcap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        bool esc = needs_escape(in[i]);
        if (n + (esc ? 2 : 1) > outcap)
            return 0;
        if (esc) {
            out[n++] = '}';
            out[n++] = (char)(in[i] ^ 0x20);
        } else {
            out[n++] = in[i];
        }
    }
    return n;
}

static bool valid_rle_count(unsigned char ch)
{
    return ch >= RLE_COUNT_MIN && ch <= RLE_COUNT_MAX && ch != '#' && ch != '$';
}

size_t rsp_unescape(const char *in, size_t len, char *out, size_t outcap)
{
    const size_t bad = (size_t)-1;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = in[i];
        if (ch == '*') {
            if (n == 0 || i + 1 >= len || !valid_rle_count((unsigned char)in[i + 1]))
                return bad;
            size_t extra = (size_t)(unsigned char)in[++i] - RLE_COUNT_BIAS;
            if (extra > outcap - n)
                return bad;
            memset(out + n, out[n - 1], extra);
            n += extra;
            continue;
        }
        if (ch == '}') {
            if (i + 1 >= len)
                return bad;
            ch = (char)(in[++i] ^ 0x20);
        }
        if (n >= outcap)
            return bad;
        out[n++] = ch;
    }
    return n;
}

int rsp_hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

size_t rsp_hex_encode(const void *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = in;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
    return 2 * len;
}

bool rsp_hex_decode(const char *hex, size_t hexlen, void *out)
{
    if (hexlen % 2 != 0)
        return false;
    uint8_t *p = out;
    for (size_t i = 0; i < hexlen; i += 2) {
        int hi = rsp_hex_digit((unsigned char)hex[i]);
        int lo = rsp_hex_digit((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        p[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool rsp_parse_hex_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = rsp_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}
