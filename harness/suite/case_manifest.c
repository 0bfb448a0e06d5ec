/* Parser for corpus case headers.  Everything a header can get wrong is reported with
 * the file and line, because a mistyped expectation must never turn into a silent pass. */
#include "suite/case_manifest.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TIMEOUT_S 86400.0
#define MAX_WORDS 32

typedef struct words {
    char *w[MAX_WORDS];
    size_t n;
} words;

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int problem(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* Splits s in place on blanks.  Fails when there are more words than fit. */
static int split_words(char *s, words *out)
{
    char *save = NULL;
    out->n = 0;
    for (char *tok = strtok_r(s, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (out->n == MAX_WORDS)
            return -1;
        out->w[out->n++] = tok;
    }
    return 0;
}

static int push_string(char ***arr, size_t *n, const char *s)
{
    char **grown = realloc(*arr, (*n + 1) * sizeof **arr);
    if (!grown)
        return -1;
    *arr = grown;
    if (!(grown[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
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

/* ------------------------------------------------------------ expect: lines */

static const char *const known_types[] = {"ibt", "shstk"};
static const char *const known_reasons[] = {
    "missing-endbranch", "ret-mismatch", "ret-underflow", "far-ret-mismatch",
    "rstorssp-token", "saveprevssp-token", "wrss-disabled", "shstk-disabled-ud",
    "setssbsy", "rt-sigreturn-token",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Splits "key=value"; value points into word.  Fails on a missing '=' or empty parts. */
static int split_pair(char *word, char **key, char **value)
{
    char *eq = strchr(word, '=');
    if (!eq || eq == word || !eq[1])
        return -1;
    *eq = '\0';
    *key = word;
    *value = eq + 1;
    return 0;
}

static const char *kind_name(case_expect_kind k)
{
    static const char *const names[] = {"none", "clean", "violation", "crash", "signaled"};
    return names[k];
}

/* One expectation kind per case; only violation lines repeat. */
static int claim_kind(case_manifest *m, case_expect_kind k, char *p, size_t cap)
{
    if (m->kind == CASE_EXPECT_NONE || (k == CASE_EXPECT_VIOLATION && m->kind == k)) {
        m->kind = k;
        return 0;
    }
    if (m->kind == k)
        return problem(p, cap, "second expect: %s", kind_name(k));
    return problem(p, cap, "expect: %s conflicts with the earlier expect: %s",
                   kind_name(k), kind_name(m->kind));
}

static int parse_exit_code(const char *s, int *code)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 255)
        return -1;
    *code = (int)v;
    return 0;
}

static int expect_clean(case_manifest *m, words *w, char *p, size_t cap)
{
    if (claim_kind(m, CASE_EXPECT_CLEAN, p, cap))
        return -1;
    m->exit_code = 0;
    for (size_t i = 1; i < w->n; i++) {
        char *key, *value;
        if (split_pair(w->w[i], &key, &value) || strcmp(key, "exit") != 0)
            return problem(p, cap, "expect: clean takes only exit=N, not '%s'", w->w[i]);
        if (parse_exit_code(value, &m->exit_code))
            return problem(p, cap, "bad exit code '%s' (0..255)", value);
    }
    return 0;
}

static int set_violation_field(case_violation_expect *v, const char *key, const char *value,
                               char *p, size_t cap)
{
    char **slot = strcmp(key, "at") == 0       ? &v->at
                  : strcmp(key, "reason") == 0 ? &v->reason
                  : strcmp(key, "target") == 0 ? &v->target
                                               : NULL;
    if (!slot)
        return problem(p, cap, "unknown violation field '%s' (at, reason, target)", key);
    if (*slot)
        return problem(p, cap, "%s= given twice", key);
    if (slot == &v->reason &&
        !in_list(value, known_reasons, sizeof known_reasons / sizeof *known_reasons))
        return problem(p, cap, "unknown violation reason '%s'", value);
    if (!(*slot = strdup(value)))
        return problem(p, cap, "out of memory");
    return 0;
}

static void free_violation(case_violation_expect *v)
{
    free(v->type);
    free(v->at);
    free(v->reason);
    free(v->target);
}

static int fill_violation(case_violation_expect *v, words *w, char *p, size_t cap)
{
    if (w->n < 2 || strchr(w->w[1], '='))
        return problem(p, cap, "expect: violation needs a type (ibt or shstk)");
    if (!in_list(w->w[1], known_types, sizeof known_types / sizeof *known_types))
        return problem(p, cap, "unknown violation type '%s' (ibt or shstk)", w->w[1]);
    if (!(v->type = strdup(w->w[1])))
        return problem(p, cap, "out of memory");
    for (size_t i = 2; i < w->n; i++) {
        char *key, *value, *word = w->w[i];
        if (split_pair(word, &key, &value))
            return problem(p, cap, "expected key=value, got '%s'", word);
        if (set_violation_field(v, key, value, p, cap))
            return -1;
    }
    if (!v->at)
        return problem(p, cap, "expect: violation needs at=LABEL");
    return 0;
}

static int expect_violation(case_manifest *m, words *w, char *p, size_t cap)
{
    if (claim_kind(m, CASE_EXPECT_VIOLATION, p, cap))
        return -1;
    case_violation_expect v = {0};
    if (fill_violation(&v, w, p, cap)) {
        free_violation(&v);
        return -1;
    }
    case_violation_expect *grown =
        realloc(m->violations, (m->nviolations + 1) * sizeof *grown);
    if (!grown) {
        free_violation(&v);
        return problem(p, cap, "out of memory");
    }
    m->violations = grown;
    grown[m->nviolations++] = v;
    return 0;
}

static int expect_signal(case_manifest *m, case_expect_kind k, words *w, char *p, size_t cap)
{
    if (claim_kind(m, k, p, cap))
        return -1;
    char *key, *value;
    if (w->n != 2 || split_pair(w->w[1], &key, &value) || strcmp(key, "signal") != 0)
        return problem(p, cap, "expect: %s needs exactly signal=NAME", kind_name(k));
    int signo = case_signal_number(value);
    if (signo < 0)
        return problem(p, cap, "unknown signal '%s'", value);
    char name[32];
    if (!(m->signal = strdup(case_signal_name(signo, name, sizeof name))))
        return problem(p, cap, "out of memory");
    return 0;
}

static int join_words(const words *w, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->n; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? " " : "", w->w[i]);
        if (n < 0 || (size_t)n >= cap - used)
            return -1;
        used += (size_t)n;
    }
    return 0;
}

static int directive_expect(case_manifest *m, char *value, char *p, size_t cap)
{
    char line[1024];
    words w;
    if (split_words(value, &w) || join_words(&w, line, sizeof line))
        return problem(p, cap, "expect: line too long");
    if (w.n == 0)
        return problem(p, cap, "empty expect: (clean, violation, crash or signaled)");
    int rc;
    if (strcmp(w.w[0], "clean") == 0)
        rc = expect_clean(m, &w, p, cap);
    else if (strcmp(w.w[0], "violation") == 0)
        rc = expect_violation(m, &w, p, cap);
    else if (strcmp(w.w[0], "crash") == 0)
        rc = expect_signal(m, CASE_EXPECT_CRASH, &w, p, cap);
    else if (strcmp(w.w[0], "signaled") == 0)
        rc = expect_signal(m, CASE_EXPECT_SIGNALED, &w, p, cap);
    else
        return problem(p, cap, "unknown expectation '%s' (clean, violation, crash or signaled)",
                       w.w[0]);
    if (rc != 0)
        return rc;
    /* The canonical form, so that reports read "clean exit=0" and "signal=SIGSEGV". */
    if (m->kind == CASE_EXPECT_CLEAN)
        snprintf(line, sizeof line, "clean exit=%d", m->exit_code);
    else if (m->kind == CASE_EXPECT_CRASH || m->kind == CASE_EXPECT_SIGNALED)
        snprintf(line, sizeof line, "%s signal=%s", kind_name(m->kind), m->signal);
    if (push_string(&m->expect_lines, &m->nexpect, line))
        return problem(p, cap, "out of memory");
    return 0;
}

/* ------------------------------------------------------- other directives */

static int directive_options(case_manifest *m, char *value, char *p, size_t cap)
{
    words w;
    if (split_words(value, &w))
        return problem(p, cap, "too many options on one line");
    for (size_t i = 0; i < w.n; i++) {
        if (strcmp(w.w[i], "--") == 0)
            return problem(p, cap, "options: must not contain '--'");
        if (push_string(&m->options, &m->noptions, w.w[i]))
            return problem(p, cap, "out of memory");
    }
    return 0;
}

static int directive_timeout(case_manifest *m, char *value, char *p, size_t cap)
{
    char *end;
    errno = 0;
    double t = strtod(value, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == value || *end || !isfinite(t) || t <= 0 || t > MAX_TIMEOUT_S)
        return problem(p, cap, "bad timeout '%s' (seconds, > 0)", value);
    m->timeout_s = t;
    return 0;
}

static int directive_needs(case_manifest *m, char *value, char *p, size_t cap)
{
    int major, minor, used = 0;
    char feature[64];
    /* "needs: model=NAME": a behaviour the harness's CET model may not have. */
    if (sscanf(value, " model=%63[a-z0-9-] %n", feature, &used) == 1 && !value[used]) {
        free(m->needs_model);
        m->needs_model = strdup(feature);
        return m->needs_model ? 0 : problem(p, cap, "out of memory");
    }
    used = 0;
    if (sscanf(value, " qemu>=%d.%d %n", &major, &minor, &used) != 2 || value[used] ||
        major < 0 || minor < 0)
        return problem(p, cap, "bad needs: '%s' (qemu>=X.Y or model=NAME)", value);
    m->has_needs_qemu = true;
    m->needs_qemu_major = major;
    m->needs_qemu_minor = minor;
    return 0;
}

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
            return problem(p, cap, "second %s: directive", body);
        st->seen[i] = true;
        return directives[i].fn(st->m, value, p, cap);
    }
    return problem(p, cap, "unknown directive '%s:' (expect, options, timeout, needs)", body);
}

static int handle_body(parse_state *st, char *body, char *p, size_t cap)
{
    size_t keylen = directive_key_length(body);
    if (keylen)
        return handle_directive(st, body, keylen, p, cap);
    if (!*st->m->description && *body) {
        free(st->m->description);
        if (!(st->m->description = strdup(body)))
            return problem(p, cap, "out of memory");
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
static int walk_header(parse_state *st, char *text, case_comment_style style,
                       const char *file, char *err, size_t errlen)
{
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
        if (handle_body(st, body, p, sizeof p))
            return problem(err, errlen, "%s:%u: %s", file, lineno, p);
    }
    return 0;
}

void case_manifest_free(case_manifest *m)
{
    free(m->description);
    free(m->needs_model);
    free(m->signal);
    for (size_t i = 0; i < m->nviolations; i++)
        free_violation(&m->violations[i]);
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
        return problem(err, errlen, "%s: out of memory", file);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(copy);
        case_manifest_free(out);
        return problem(err, errlen, "%s: binary file, not a case source", file);
    }
    parse_state st = {.m = out};
    int rc = walk_header(&st, copy, style, file, err, errlen);
    free(copy);
    if (rc == 0 && out->kind == CASE_EXPECT_NONE)
        rc = problem(err, errlen, "%s:1: the header has no expect: directive", file);
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
        return problem(err, errlen, "%s: not a case source (.asm, .c or .cc)", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return problem(err, errlen, "%s: %s", path, strerror(errno));
    size_t len;
    char *text = read_whole(f, &len);
    int read_errno = errno;
    fclose(f);
    if (!text)
        return problem(err, errlen, "%s: %s", path, strerror(read_errno));
    int rc = case_manifest_parse(text, len, style, path, out, err, errlen);
    free(text);
    return rc;
}
