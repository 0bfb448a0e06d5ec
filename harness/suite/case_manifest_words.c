/* A directive's value as words: split on blanks, joined again, taken apart as
 * key=value, and copied into the manifest's string arrays. */
#include "suite/case_manifest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int manifest_split_words(char *s, words *out)
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

int manifest_join_words(const words *w, char *buf, size_t cap)
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

int manifest_split_pair(char *word, char **key, char **value)
{
    char *eq = strchr(word, '=');
    if (!eq || eq == word || !eq[1])
        return -1;
    *eq = '\0';
    *key = word;
    *value = eq + 1;
    return 0;
}

int manifest_push_string(char ***arr, size_t *n, const char *s)
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
