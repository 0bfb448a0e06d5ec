#include "html_escape.h"
#include "text_clean.h"

#include <stdlib.h>
#include <string.h>

static const char *entity_for(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

int html_put_len(FILE *out, const char *s, size_t len, size_t limit)
{
    char *clean = text_clean(s, len, limit);
    if (!clean)
        return -1;
    for (const char *p = clean; *p; p++) {
        const char *entity = entity_for(*p);
        if (entity)
            fputs(entity, out);
        else
            fputc(*p, out);
    }
    free(clean);
    return 0;
}

int html_put(FILE *out, const char *s)
{
    return s ? html_put_len(out, s, strlen(s), 0) : 0;
}

static int is_id_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

const char *html_id_safe(const char *s, char *buf, size_t buflen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < buflen; p++) {
        if (is_id_char(*p)) {
            buf[o++] = (char)*p;
        } else if (*p == '/') {
            buf[o++] = '.';
        } else {
            buf[o++] = '_';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
        }
    }
    if (o == 0 && buflen > 5)
        o = (size_t)snprintf(buf, buflen, "_case");
    buf[o < buflen ? o : buflen - 1] = '\0';
    return buf;
}
