/* The line reader of case headers: finds the header's comment lines, tells directives
 * ("key: value") from free text and hands each directive to its handler in the table
 * below. */
#include "suite/case_manifest_internal.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef int (*directive_fn)(case_manifest *m, char *value, char *p, size_t cap);

static const struct {
    const char *key;
    directive_fn fn;
    bool once;
} directives[] = {
    {"expect", directive_expect, false},
    {"options", directive_options, false},
    {"timeout", directive_timeout, true},
    {"needs", directive_needs, true},
};
#define NDIRECTIVES (sizeof directives / sizeof *directives)

/* ------------------------------------------------------------ line walking */

typedef struct parse_state {
    case_manifest *m;
    bool seen[NDIRECTIVES];
} parse_state;

/* A directive key is lowercase so that prose such as "Note: ..." stays free text. */
static size_t directive_key_length(const char *body)
{
    size_t n = 0;
    if (!islower((unsigned char)body[0]))
        return 0;
    while (islower((unsigned char)body[n]) || isdigit((unsigned char)body[n]) ||
           body[n] == '-' || body[n] == '_')
        n++;
    if (body[n] != ':' || (body[n + 1] && !isblank((unsigned char)body[n + 1])))
        return 0;
    return n;
}

static int handle_directive(parse_state *st, char *body, size_t keylen, char *p, size_t cap)
{
    body[keylen] = '\0';
    char *value = body + keylen + 1;
    while (isblank((unsigned char)*value))
        value++;
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        if (strcmp(body, directives[i].key) != 0)
            continue;
        if (directives[i].once && st->seen[i])
            return manifest_problem(p, cap, "second %s: directive", body);
        st->seen[i] = true;
        return directives[i].fn(st->m, value, p, cap);
    }
    return manifest_problem(p, cap, "unknown directive '%s:' (expect, options, timeout, needs)",
                            body);
}

static int handle_body(parse_state *st, char *body, char *p, size_t cap)
{
    size_t keylen = directive_key_length(body);
    if (keylen)
        return handle_directive(st, body, keylen, p, cap);
    if (!*st->m->description && *body) {
        free(st->m->description);
        if (!(st->m->description = strdup(body)))
            return manifest_problem(p, cap, "out of memory");
    }
    return 0;
}

/* Returns the comment text of line (trimmed, in place), or NULL for a non-comment. */
static char *comment_body(char *line, case_comment_style style)
{
    while (isspace((unsigned char)*line))
        line++;
    if (style == CASE_COMMENTS_ASM) {
        if (*line != ';')
            return NULL;
        while (*line == ';')
            line++;
    } else {
        if (strncmp(line, "//", 2) != 0)
            return NULL;
        while (*line == '/')
            line++;
    }
    while (isspace((unsigned char)*line))
        line++;
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1]))
        line[--n] = '\0';
    return line;
}

static bool is_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* Walks the header: blank lines before it are skipped, the first other non-comment
 * line ends it. */
int manifest_walk_header(case_manifest *m, char *text, case_comment_style style,
                         const char *file, char *err, size_t errlen)
{
    parse_state st = {.m = m};
    bool started = false;
    unsigned lineno = 0;
    for (char *line = text, *next; line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *body = comment_body(line, style);
        if (!body) {
            if (started || !is_blank(line))
                break;
            continue;
        }
        started = true;
        char p[512];
        if (handle_body(&st, body, p, sizeof p))
            return manifest_problem(err, errlen, "%s:%u: %s", file, lineno, p);
    }
    return 0;
}

