#include "text_clean.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail, uint32_t *cp)
{
    static const struct {
        unsigned char lead_lo, lead_hi, second_lo, second_hi;
        size_t len;
    } forms[] = {
        {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
        {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3},
        {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
        {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        if (s[0] < forms[f].lead_lo || s[0] > forms[f].lead_hi)
            continue;
        size_t len = forms[f].len;
        if (avail < len || s[1] < forms[f].second_lo || s[1] > forms[f].second_hi)
            return 0;
        uint32_t v = s[0] & (0xFF >> (len + 1));
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i] & 0x3F);
        }
        *cp = v;
        return len;
    }
    return 0;
}

/* Length of the ANSI escape sequence at s (s[0] is ESC): CSI "ESC [ params final",
 * OSC "ESC ] ... BEL|ESC \", else ESC plus one character. */
static size_t ansi_escape_length(const unsigned char *s, size_t avail)
{
    if (avail < 2)
        return 1;
    size_t i = 2;
    if (s[1] == '[') {
        while (i < avail && s[i] >= 0x20 && s[i] <= 0x3F)
            i++;
        return (i < avail && s[i] >= 0x40 && s[i] <= 0x7E) ? i + 1 : i;
    }
    if (s[1] == ']') {
        while (i < avail && s[i] != 0x07 && s[i] != 0x1B)
            i++;
        if (i < avail && s[i] == 0x07)
            return i + 1;
        return (i + 1 < avail && s[i + 1] == '\\') ? i + 2 : i;
    }
    return s[1] >= 0x20 && s[1] < 0x7F ? 2 : 1;
}

static int keeps_control(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

/* Cleans in[0..len) into out (room for 3 bytes per input byte); returns bytes written. */
static size_t clean_into(const unsigned char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = in[i];
        if (c == 0x1B) {
            i += ansi_escape_length(in + i, len - i);
        } else if (c < 0x20 || c == 0x7F) {
            if (keeps_control(c))
                out[o++] = (char)c;
            i++;
        } else if (c < 0x80) {
            out[o++] = (char)c;
            i++;
        } else {
            uint32_t cp = 0;
            size_t n = utf8_sequence_length(in + i, len - i, &cp);
            if (n == 0 || cp == 0xFFFE || cp == 0xFFFF) {
                memcpy(out + o, replacement, 3);
                o += 3;
                i += n ? n : 1;
            } else {
                memcpy(out + o, in + i, n);
                o += n;
                i += n;
            }
        }
    }
    return o;
}

char *text_clean(const char *s, size_t len, size_t max_bytes)
{
    size_t keep = len;
    if (max_bytes && len > max_bytes) {
        keep = max_bytes;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--;
    }
    char note[96] = "";
    if (keep < len)
        snprintf(note, sizeof note, "\n[... %zu more bytes not shown]\n", len - keep);
    char *out = malloc(keep * 3 + strlen(note) + 1);
    if (!out)
        return NULL;
    size_t o = clean_into((const unsigned char *)s, keep, out);
    strcpy(out + o, note);
    return out;
}

char *text_clean_str(const char *s)
{
    return s ? text_clean(s, strlen(s), 0) : text_clean("", 0, 0);
}

char *text_clean_line(const char *s)
{
    char *t = text_clean_str(s);
    if (!t)
        return NULL;
    size_t o = 0, i = strspn(t, " \t\r\n");
    while (t[i]) {
        size_t breaks = strspn(t + i, "\t\r\n");
        if (breaks) {
            t[o++] = ' ';
            i += breaks;
        } else {
            t[o++] = t[i++];
        }
    }
    while (o > 0 && t[o - 1] == ' ')
        o--;
    t[o] = '\0';
    return t;
}
