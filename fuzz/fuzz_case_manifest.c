/* Fuzz target for the case header parser: any bytes, both comment styles.
 * Built with -DFUZZING and -fsanitize=fuzzer for libFuzzer; without FUZZING a small
 * main feeds it the files named on the command line (a corpus replay). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite/case_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_invariants(const case_manifest *m)
{
    /* A parse that succeeds always states exactly one kind of expectation. */
    if (m->kind == CASE_EXPECT_NONE || m->nexpect == 0)
        abort();
    if (m->kind == CASE_EXPECT_VIOLATION && m->nviolations != m->nexpect)
        abort();
    for (size_t i = 0; i < m->nviolations; i++)
        if (!m->violations[i].type || !m->violations[i].at)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const case_comment_style styles[] = {CASE_COMMENTS_ASM, CASE_COMMENTS_C};
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++) {
        case_manifest m;
        char err[512];
        if (case_manifest_parse((const char *)data, size, styles[i], "fuzz.asm", &m, err,
                                sizeof err) == 0) {
            check_invariants(&m);
            case_manifest_free(&m);
        } else if (strncmp(err, "fuzz.asm:", 9) != 0) {
            abort();   /* every error names the file */
        }
    }
    return 0;
}

#ifndef FUZZING
static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        uint8_t *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    fclose(f);
    if (!buf)
        return -1;
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (replay(argv[i]) != 0)
            status = 1;
    printf("%d input%s replayed\n", argc - 1, argc == 2 ? "" : "s");
    return status;
}
#endif
