/* What the files of the case-header parser share with each other and with nobody
 * else: case_manifest.c (the entry points), case_manifest_reader.c (the comment lines
 * and the directive table), case_manifest_expect.c, case_manifest_directives.c and
 * case_manifest_words.c. */
#ifndef HARNESS_CASE_MANIFEST_INTERNAL_H
#define HARNESS_CASE_MANIFEST_INTERNAL_H

#include "suite/case_manifest.h"

#include <stddef.h>

#define MAX_WORDS 32

typedef struct words {
    char *w[MAX_WORDS];
    size_t n;
} words;

/* Writes the message into buf and returns -1, so that a failed check is one return. */
int manifest_problem(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Splits s in place on blanks.  Fails when there are more words than fit. */
int manifest_split_words(char *s, words *out);
/* The words again, one blank apart.  Fails when they do not fit in cap. */
int manifest_join_words(const words *w, char *buf, size_t cap);
/* Splits "key=value"; value points into word.  Fails on a missing '=' or empty parts. */
int manifest_split_pair(char *word, char **key, char **value);
int manifest_push_string(char ***arr, size_t *n, const char *s);

void manifest_free_violation(case_violation_expect *v);

/* The directive handlers: value is the text after "key:", p receives the problem
 * (without file and line, which the reader adds). */
int directive_expect(case_manifest *m, char *value, char *p, size_t cap);
int directive_options(case_manifest *m, char *value, char *p, size_t cap);
int directive_timeout(case_manifest *m, char *value, char *p, size_t cap);
int directive_needs(case_manifest *m, char *value, char *p, size_t cap);

/* Feeds each header line of text (changed in place) to its directive or to the
 * description; on a problem writes "FILE:LINE: problem" into err and returns -1. */
int manifest_walk_header(case_manifest *m, char *text, case_comment_style style,
                         const char *file, char *err, size_t errlen);

#endif
