/* Parser for corpus case headers: its entry points (parse, load, free) and the signal
 * names headers use.  The reading of lines and the directives are in
 * case_manifest_reader.c, case_manifest_expect.c and case_manifest_directives.c.
 * Everything a header can get wrong is reported with the file and line, because a
 * mistyped expectation must never turn into a silent pass. */
#include "suite/case_manifest_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

int manifest_problem(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ signals */

int case_signal_number(const char *name)
{
    if (!name || !*name)
        return -1;
    const char *bare = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
    for (int s = 1; s < NSIG; s++) {
        const char *abbrev = sigabbrev_np(s);
        if (abbrev && strcasecmp(abbrev, bare) == 0)
            return s;
    }
    return -1;
}

const char *case_signal_name(int signo, char *buf, size_t cap)
{
    const char *abbrev = signo > 0 && signo < NSIG ? sigabbrev_np(signo) : NULL;
    if (abbrev)
        snprintf(buf, cap, "SIG%s", abbrev);
    else
        snprintf(buf, cap, "signal %d", signo);
    return buf;
}

void case_manifest_free(case_manifest *m)
{
    free(m->description);
    free(m->needs_model);
    free(m->needs_rsp_engine);
    free(m->signal);
    for (size_t i = 0; i < m->nviolations; i++)
        manifest_free_violation(&m->violations[i]);
    free(m->violations);
    for (size_t i = 0; i < m->nexpect; i++)
        free(m->expect_lines[i]);
    free(m->expect_lines);
    for (size_t i = 0; i < m->noptions; i++)
        free(m->options[i]);
    free(m->options);
    memset(m, 0, sizeof *m);
}

int case_manifest_parse(const char *text, size_t len, case_comment_style style,
                        const char *file, case_manifest *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *copy = malloc(len + 1);
    out->description = dup_str("");
    if (!copy || !out->description) {
        free(copy);
        case_manifest_free(out);
        return manifest_problem(err, errlen, "%s: out of memory", file);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(copy);
        case_manifest_free(out);
        return manifest_problem(err, errlen, "%s: binary file, not a case source", file);
    }
    int rc = manifest_walk_header(out, copy, style, file, err, errlen);
    free(copy);
    if (rc == 0 && out->kind == CASE_EXPECT_NONE)
        rc = manifest_problem(err, errlen, "%s:1: the header has no expect: directive", file);
    if (rc)
        case_manifest_free(out);
    return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static char *read_whole(FILE *f, size_t *len)
{
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        used += fread(buf + used, 1, cap - used, f);
        if (used < cap)
            break;
        char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    *len = used;
    return buf;
}

int case_manifest_load(const char *path, case_manifest *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    case_comment_style style;
    if (has_suffix(path, ".asm"))
        style = CASE_COMMENTS_ASM;
    else if (has_suffix(path, ".c") || has_suffix(path, ".cc"))
        style = CASE_COMMENTS_C;
    else
        return manifest_problem(err, errlen, "%s: not a case source (.asm, .c or .cc)", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return manifest_problem(err, errlen, "%s: %s", path, strerror(errno));
    size_t len;
    char *text = read_whole(f, &len);
    int read_errno = errno;
    fclose(f);
    if (!text)
        return manifest_problem(err, errlen, "%s: %s", path, strerror(read_errno));
    int rc = case_manifest_parse(text, len, style, path, out, err, errlen);
    free(text);
    return rc;
}
