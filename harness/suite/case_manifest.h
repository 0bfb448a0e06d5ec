/* The header of a corpus case: what the case expects a CET machine to do with it
 * (docs/formats.md, "Corpus case headers"). */
#ifndef HARNESS_CASE_MANIFEST_H
#define HARNESS_CASE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#define CASE_DEFAULT_TIMEOUT_S 20.0

typedef enum case_comment_style {
    CASE_COMMENTS_ASM,   /* ; */
    CASE_COMMENTS_C,     /* // */
} case_comment_style;

typedef enum case_expect_kind {
    CASE_EXPECT_NONE,
    CASE_EXPECT_CLEAN,
    CASE_EXPECT_VIOLATION,
    CASE_EXPECT_CRASH,
    CASE_EXPECT_SIGNALED,
} case_expect_kind;

typedef struct case_violation_expect {
    char *type;     /* "ibt" or "shstk" */
    char *at;       /* label of the faulting instruction */
    char *reason;   /* NULL when not stated */
    char *target;   /* label, NULL when not stated */
    bool has_exit;  /* exit=N: then the guest exits with N (--on-violation=signal|continue) */
    int exit_code;
} case_violation_expect;

typedef struct case_manifest {
    char *description;                 /* first free-text line, "" when none */
    case_expect_kind kind;
    int exit_code;                     /* CASE_EXPECT_CLEAN */
    char *signal;                      /* crash/signaled: "SIGSEGV" */
    case_violation_expect *violations; size_t nviolations;
    char **expect_lines; size_t nexpect;   /* directive values, spaces collapsed */
    char **options; size_t noptions;       /* words of all options: lines */
    double timeout_s;                  /* 0 when not stated: CASE_DEFAULT_TIMEOUT_S */
    bool has_needs_qemu;
    int needs_qemu_major, needs_qemu_minor;
    char *needs_model;                 /* "needs: model=NAME", NULL when absent */
    char *needs_rsp_engine;            /* "needs: engine=rsp REASON": the reason, NULL when absent */
} case_manifest;

/* Parse a case's header from text.  file names the case in messages.  On failure
 * returns -1, writes "FILE:LINE: problem" into err and leaves *out empty. */
int case_manifest_parse(const char *text, size_t len, case_comment_style style,
                        const char *file, case_manifest *out, char *err, size_t errlen);
/* Read and parse a case file; the comment style follows the extension (.asm / .c). */
int case_manifest_load(const char *path, case_manifest *out, char *err, size_t errlen);
void case_manifest_free(case_manifest *m);

/* "SEGV", "sigsegv", "SIGSEGV" -> 11; -1 when unknown. */
int case_signal_number(const char *name);
/* 11 -> "SIGSEGV"; writes into buf ("signal 99" when unknown). */
const char *case_signal_name(int signo, char *buf, size_t cap);

#endif
