/* Corpus discovery.  A case's identity is CATEGORY/NAME (its directory and its base
 * name), which is also where the corpus build puts its program. */
#include "suite/suite_discover.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static char *format(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

static void free_case(suite_case *c)
{
    free(c->name);
    free(c->category);
    free(c->file);
    free(c->binary);
    free(c->problem);
}

void suite_case_list_free(suite_case_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free_case(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static bool is_case_source(const char *base)
{
    size_t n = strlen(base);
    if (base[0] == '.')
        return false;
    return (n > 4 && strcmp(base + n - 4, ".asm") == 0) || (n > 2 && strcmp(base + n - 2, ".c") == 0) ||
           (n > 3 && strcmp(base + n - 3, ".cc") == 0);
}

/* CATEGORY is the source's directory name; "." or "" when it has none. */
static int make_case(const char *path, const char *build_dir, suite_case *c)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    char *slash = strrchr(copy, '/');
    char *base = slash ? slash + 1 : copy;
    *strrchr(base, '.') = '\0';
    if (slash)
        *slash = '\0';
    char *dir_slash = slash ? strrchr(copy, '/') : NULL;
    const char *category = slash ? (dir_slash ? dir_slash + 1 : copy) : ".";
    memset(c, 0, sizeof *c);
    c->category = strdup(category);
    c->name = format("%s/%s", category, base);
    c->file = strdup(path);
    c->binary = format("%s/corpus/%s/%s", build_dir, category, base);
    free(copy);
    if (!c->category || !c->name || !c->file || !c->binary) {
        free_case(c);
        return -1;
    }
    return 0;
}

typedef struct collector {
    suite_case_list *list;
    size_t cap;
    const char *build_dir;
    char *err;
    size_t errlen;
} collector;

static int add_file(collector *col, const char *path)
{
    suite_case_list *l = col->list;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].file, path) == 0)
            return 0;
    if (l->n == col->cap) {
        size_t cap = col->cap ? col->cap * 2 : 64;
        suite_case *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return fail(col->err, col->errlen, "out of memory");
        l->items = grown;
        col->cap = cap;
    }
    if (make_case(path, col->build_dir, &l->items[l->n]))
        return fail(col->err, col->errlen, "out of memory");
    l->n++;
    return 0;
}

static int walk(collector *col, const char *path);

static int walk_dir(collector *col, const char *path)
{
    struct dirent **entries;
    int n = scandir(path, &entries, NULL, alphasort);
    if (n < 0)
        return fail(col->err, col->errlen, "%s: %s", path, strerror(errno));
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *base = entries[i]->d_name;
        if (rc == 0 && base[0] != '.') {
            size_t len = strlen(path);
            char *child = format("%s%s%s", path, len && path[len - 1] == '/' ? "" : "/", base);
            rc = child ? walk(col, child) : fail(col->err, col->errlen, "out of memory");
            free(child);
        }
        free(entries[i]);
    }
    free(entries);
    return rc;
}

static int walk(collector *col, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(col->err, col->errlen, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return walk_dir(col, path);
    const char *slash = strrchr(path, '/');
    if (S_ISREG(st.st_mode) && is_case_source(slash ? slash + 1 : path))
        return add_file(col, path);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const suite_case *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->file, y->file);
}

/* Both sources of one name would build the same program: neither can be trusted. */
static int mark_duplicates(suite_case_list *l)
{
    for (size_t i = 0; i + 1 < l->n; i++) {
        suite_case *a = &l->items[i], *b = &l->items[i + 1];
        if (strcmp(a->name, b->name) != 0)
            continue;
        if (!a->problem && !(a->problem = format("%s and %s have the same case name %s",
                                                 a->file, b->file, a->name)))
            return -1;
        free(b->problem);
        if (!(b->problem = strdup(a->problem)))
            return -1;
    }
    return 0;
}

int suite_discover(const char *const *roots, size_t nroots, bool missing_ok,
                   const char *build_dir, suite_case_list *out, char *err, size_t errlen)
{
    out->items = NULL;
    out->n = 0;
    collector col = {.list = out, .build_dir = build_dir, .err = err, .errlen = errlen};
    for (size_t i = 0; i < nroots; i++) {
        struct stat st;
        if (missing_ok && stat(roots[i], &st) != 0 && errno == ENOENT)
            continue;
        if (walk(&col, roots[i])) {
            suite_case_list_free(out);
            return -1;
        }
    }
    if (out->n)
        qsort(out->items, out->n, sizeof *out->items, by_name);
    if (mark_duplicates(out)) {
        suite_case_list_free(out);
        return fail(err, errlen, "out of memory");
    }
    return 0;
}

/* Keeps the items for which keep() says yes, in order. */
static void retain(suite_case_list *l, bool (*keep)(const suite_case *, size_t, const void *),
                   const void *arg)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (keep(&l->items[i], i, arg))
            l->items[kept++] = l->items[i];
        else
            free_case(&l->items[i]);
    }
    l->n = kept;
}

static bool name_matches(const suite_case *c, size_t k, const void *glob)
{
    (void)k;
    return fnmatch(glob, c->name, 0) == 0;
}

void suite_filter(suite_case_list *l, const char *glob)
{
    retain(l, name_matches, glob);
}

typedef struct shard_spec {
    unsigned index, count;
} shard_spec;

static bool in_shard(const suite_case *c, size_t k, const void *arg)
{
    const shard_spec *s = arg;
    (void)c;
    return k % s->count + 1 == s->index;
}

void suite_shard(suite_case_list *l, unsigned index, unsigned count)
{
    shard_spec s = {index, count};
    retain(l, in_shard, &s);
}

int suite_parse_shard(const char *s, unsigned *index, unsigned *count, char *err, size_t errlen)
{
    unsigned i, n;
    int used = 0;
    if (sscanf(s, "%u/%u%n", &i, &n, &used) != 2 || s[used] || s[0] == '-' ||
        strchr(s, '-') || n == 0 || i == 0 || i > n)
        return fail(err, errlen, "bad --shard '%s' (I/N with 1 <= I <= N)", s);
    *index = i;
    *count = n;
    return 0;
}
