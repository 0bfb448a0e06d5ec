/* Running build/asan/cetharness from integration tests and reading its JSON. */
#ifndef TESTS_RUN_HELPERS_H
#define TESTS_RUN_HELPERS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct harness_result {
    int status;              /* exit status, or 128+signal */
    char stderr_text[8192];
    char stdout_text[4096];  /* the guest's output (its start) */
    json_object *json;       /* NULL when no JSON was written */
} harness_result;

/* Path of a test program (PROGS dir) or of a corpus case (CORPUS dir, "cat/name"). */
const char *prog_path(const char *name);
const char *corpus_path(const char *case_name);
/* Run cetharness with these arguments (NULL-terminated); always adds --json and the
 * QEMU from the environment unless qemu_override is given. */
void run_harness(harness_result *r, const char *qemu_override, const char *const *args);
/* The same for any command ("suite"); --json and --qemu are added as for run. */
void run_cetharness(harness_result *r, const char *command, const char *qemu_override,
                    const char *const *args);
void harness_result_free(harness_result *r);
/* cetharness suite with these arguments: its JSON report (json_object_put it), or a
 * failed assertion with the suite's stderr. */
json_object *suite_report(const char *qemu_override, const char *const *args);

/* JSON helpers: "exit.status", "violations[0].reason" style paths. */
json_object *json_at(json_object *root, const char *path);
const char *json_str(json_object *root, const char *path);
int64_t json_int(json_object *root, const char *path);
uint64_t json_hex(json_object *root, const char *path);
/* Address of a symbol of an ELF file, by running nm (tests only). */
uint64_t symbol_address(const char *elf_path, const char *symbol);
/* Is any process still running whose command line contains needle? */
int process_running(const char *needle);
/* The whole corpus under a stop-free engine passes (its verdicts are the RSP engine's);
 * cases whose header needs the RSP engine run under it, and at least min_engine ran
 * under `engine`. */
void assert_corpus_passes_under(const char *engine, size_t min_engine);
/* qsort-smash's violation (in library code) under `engine` and under the RSP engine: the
 * report fields named in fields[0..n) are the same, and the expected address is named
 * in libc.so.6. */
void assert_reports_match_rsp(const char *engine, const char *const *fields, size_t n);
/* Does the QEMU under test load the cetharness-plugin.so built next to the cetharness
 * under test?  why: what QEMU answered. */
bool qemu_loads_cetharness_plugin(char *why, size_t cap);
/* threads4 (four glibc threads computing at once) under `engine`, `repeats` times: clean,
 * exit 0, no warning. */
void assert_threads4_runs_clean_under(const char *engine, int repeats);
/* threads4 smash: the one violation, smash()'s ret to landing(), in a worker thread (in
 * the thread id the program says, where the engine knows thread ids), exit 7. */
void assert_threads4_smash_is_found_in_its_thread(const char *engine, int repeats,
                                                  bool tid_known);

#endif
