/* Finding the corpus cases a suite run covers: discovery, --filter and --shard. */
#ifndef HARNESS_SUITE_DISCOVER_H
#define HARNESS_SUITE_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct suite_case {
    char *name;       /* CATEGORY/NAME */
    char *category;
    char *file;       /* the source, as found */
    char *binary;     /* BUILD_DIR/corpus/CATEGORY/NAME */
    char *problem;    /* set when discovery already knows the case cannot run */
} suite_case;

typedef struct suite_case_list {
    suite_case *items;
    size_t n;
} suite_case_list;

/* Collects the .asm and .c files under roots (files or directories, searched
 * recursively), sorted by name.  A root that does not exist is an error unless
 * missing_ok (the default roots).  Two sources with the same name both stay, each
 * with a problem naming the other. */
int suite_discover(const char *const *roots, size_t nroots, bool missing_ok,
                   const char *build_dir, suite_case_list *out, char *err, size_t errlen);
void suite_case_list_free(suite_case_list *l);

/* Keeps the cases whose name matches the fnmatch(3) pattern. */
void suite_filter(suite_case_list *l, const char *glob);

/* "I/N" with 1 <= I <= N. */
int suite_parse_shard(const char *s, unsigned *index, unsigned *count, char *err, size_t errlen);
/* Keeps shard index of count: the k-th case (0-based, name order) belongs to shard
 * (k mod count) + 1, so the shards are disjoint and together complete. */
void suite_shard(suite_case_list *l, unsigned index, unsigned count);

#endif
