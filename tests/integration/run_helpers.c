#include "run_helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

const char *prog_path(const char *name)
{
    static char buf[4][1024];
    static int i;
    char *p = buf[i++ & 3];
    snprintf(p, 1024, "%s/%s", env_or("PROGS", "build/progs"), name);
    return p;
}

const char *corpus_path(const char *case_name)
{
    static char buf[4][1024];
    static int i;
    char *p = buf[i++ & 3];
    snprintf(p, 1024, "%s/%s", env_or("CORPUS", "build/corpus"), case_name);
    return p;
}

void run_harness(harness_result *r, const char *qemu_override, const char *const *args)
{
    run_cetharness(r, "run", qemu_override, args);
}

void run_cetharness(harness_result *r, const char *command, const char *qemu_override,
                    const char *const *args)
{
    char json_path[] = "/tmp/cetharness-test-XXXXXX";
    int jfd = mkstemp(json_path);
    cr_assert_geq(jfd, 0);
    close(jfd);
    unlink(json_path); /* the harness must create it */
    const char *argv[64];
    size_t n = 0;
    argv[n++] = env_or("CETHARNESS", "build/asan/cetharness");
    argv[n++] = command;
    argv[n++] = "--json";
    argv[n++] = json_path;
    argv[n++] = "--qemu";
    argv[n++] = qemu_override ? qemu_override : env_or("QEMU", "qemu-x86_64");
    for (size_t i = 0; args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int err_pipe[2];
    cr_assert_eq(pipe(err_pipe), 0);
    /* stdout into an unlinked file: a pipe beside stderr's could fill while we read that. */
    char out_path[] = "/tmp/cetharness-test-out-XXXXXX";
    int out_fd = mkstemp(out_path);
    cr_assert_geq(out_fd, 0);
    unlink(out_path);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        close(err_pipe[0]);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(out_fd, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(err_pipe[1]);
    memset(r, 0, sizeof *r);
    size_t used = 0;
    ssize_t got;
    while ((got = read(err_pipe[0], r->stderr_text + used, sizeof r->stderr_text - 1 - used)) > 0)
        used += (size_t)got;
    close(err_pipe[0]);
    int status;
    waitpid(pid, &status, 0);
    ssize_t out_len = pread(out_fd, r->stdout_text, sizeof r->stdout_text - 1, 0);
    r->stdout_text[out_len > 0 ? out_len : 0] = '\0';
    close(out_fd);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r->json = json_object_from_file(json_path);
    unlink(json_path);
}

void harness_result_free(harness_result *r)
{
    if (r->json)
        json_object_put(r->json);
    r->json = NULL;
}

json_object *json_at(json_object *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = root;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, ".")) {
        char *bracket = strchr(tok, '[');
        if (bracket)
            *bracket = 0;
        if (!json_object_object_get_ex(cur, tok, &cur))
            return NULL;
        if (bracket) {
            size_t idx = strtoul(bracket + 1, NULL, 10);
            if (!json_object_is_type(cur, json_type_array) || idx >= json_object_array_length(cur))
                return NULL;
            cur = json_object_array_get_idx(cur, idx);
        }
    }
    return cur;
}

const char *json_str(json_object *root, const char *path)
{
    json_object *o = json_at(root, path);
    return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : "";
}

int64_t json_int(json_object *root, const char *path)
{
    json_object *o = json_at(root, path);
    return o ? json_object_get_int64(o) : -1;
}

uint64_t json_hex(json_object *root, const char *path)
{
    return strtoull(json_str(root, path), NULL, 16);
}

uint64_t symbol_address(const char *elf_path, const char *symbol)
{
    char cmd[2048], line[512];
    snprintf(cmd, sizeof cmd, "nm '%s'", elf_path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    uint64_t addr = 0;
    while (fgets(line, sizeof line, p)) {
        char name[256], type;
        unsigned long long a;
        if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 && strcmp(name, symbol) == 0)
            addr = a;
    }
    pclose(p);
    cr_assert_neq(addr, 0, "no symbol %s in %s", symbol, elf_path);
    return addr;
}

int process_running(const char *needle)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int found = 0;
    while (d && (de = readdir(d))) {
        char path[300], cmd[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(cmd, 1, sizeof cmd - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (!cmd[i]) cmd[i] = ' ';
        cmd[n] = 0;
        if (strstr(cmd, needle) && !strstr(cmd, "integration-tests"))
            found = 1;
    }
    if (d)
        closedir(d);
    return found;
}

json_object *suite_report(const char *qemu_override, const char *const *args)
{
    harness_result r;
    run_cetharness(&r, "suite", qemu_override, args);
    cr_assert_not_null(r.json, "the suite wrote no JSON; stderr: %s", r.stderr_text);
    json_object *suite = json_object_get(r.json);
    harness_result_free(&r);
    return suite;
}

void assert_corpus_passes_under(const char *engine, size_t min_engine)
{
    char corpus[1024];
    snprintf(corpus, sizeof corpus, "%s", corpus_path(""));
    const char *args[] = {"--build-dir", dirname(corpus), "-j", "2", "--engine", engine, NULL};
    json_object *suite = suite_report(NULL, args);
    cr_assert_eq(json_int(suite, "counts.failed"), 0);
    cr_assert_eq(json_int(suite, "counts.errors"), 0);
    cr_assert_geq(json_int(suite, "counts.passed"), 140);
    json_object *cases = json_at(suite, "cases");
    size_t under = 0;
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        const char *ran = json_str(json_object_array_get_idx(cases, i), "run.engine");
        under += ran && strcmp(ran, engine) == 0;
    }
    cr_assert_geq(under, min_engine, "only %zu cases ran under the %s engine", under, engine);
    json_object_put(suite);
}

void assert_reports_match_rsp(const char *engine, const char *const *fields, size_t n)
{
    harness_result rsp, other;
    char engine_arg[64];
    snprintf(engine_arg, sizeof engine_arg, "--engine=%s", engine);
    const char *rsp_args[] = {"--engine=rsp", "--ibt=off", "--", prog_path("qsort-smash"), NULL};
    const char *other_args[] = {engine_arg, "--ibt=off", "--", prog_path("qsort-smash"), NULL};
    run_harness(&rsp, NULL, rsp_args);
    run_harness(&other, NULL, other_args);
    cr_assert_not_null(rsp.json, "stderr: %s", rsp.stderr_text);
    cr_assert_not_null(other.json, "stderr: %s", other.stderr_text);
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(json_str(other.json, fields[i]), json_str(rsp.json, fields[i]), "%s",
                         fields[i]);
    cr_assert(strstr(json_str(other.json, "violations[0].expected_symbol"), "libc.so.6"));
    harness_result_free(&rsp);
    harness_result_free(&other);
}

bool qemu_loads_cetharness_plugin(char *why, size_t cap)
{
    char exe[4000], cmd[8400], line[256] = "";
    snprintf(exe, sizeof exe, "%s", env_or("CETHARNESS", "build/asan/cetharness"));
    snprintf(cmd, sizeof cmd, "'%s' -plugin '%s/cetharness-plugin.so,probe=on' /dev/null 2>&1",
             env_or("QEMU", "qemu-x86_64"), dirname(exe));
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    pclose(f);
    snprintf(why, cap, "%s", line);
    return strncmp(line, "cetharness-plugin: loaded", 25) == 0;
}

void assert_threads4_runs_clean_under(const char *engine, int repeats)
{
    char engine_arg[64];
    snprintf(engine_arg, sizeof engine_arg, "--engine=%s", engine);
    for (int i = 0; i < repeats; i++) {
        harness_result r;
        const char *args[] = {engine_arg, "--ibt=off", "--", prog_path("threads4"), NULL};
        run_harness(&r, NULL, args);
        cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
        cr_assert_eq(r.status, 0, "run %d: status %d; stderr: %s", i, r.status, r.stderr_text);
        cr_assert_str_eq(json_str(r.json, "engine"), engine);
        cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 0);
        cr_assert_eq(json_object_array_length(json_at(r.json, "warnings")), 0, "run %d: %s", i,
                     r.stderr_text);
        harness_result_free(&r);
    }
}

void assert_threads4_smash_is_found_in_its_thread(const char *engine, int repeats,
                                                  bool tid_known)
{
    static const char said_prefix[] = "threads4: smash in tid ";
    char engine_arg[64];
    snprintf(engine_arg, sizeof engine_arg, "--engine=%s", engine);
    for (int i = 0; i < repeats; i++) {
        harness_result r;
        const char *args[] = {engine_arg, "--ibt=off", "--on-violation=continue", "--",
                              prog_path("threads4"), "smash", NULL};
        run_harness(&r, NULL, args);
        cr_assert_not_null(r.json, "stderr: %s", r.stderr_text);
        cr_assert_eq(json_object_array_length(json_at(r.json, "violations")), 1,
                     "run %d: stderr: %s", i, r.stderr_text);
        cr_assert_str_eq(json_str(r.json, "violations[0].reason"), "ret-mismatch");
        cr_assert(strncmp(json_str(r.json, "violations[0].pc_symbol"), "smash", 5) == 0, "%s",
                  json_str(r.json, "violations[0].pc_symbol"));
        cr_assert(strncmp(json_str(r.json, "violations[0].target_symbol"), "landing", 7) == 0);
        if (tid_known) {
            const char *said = strstr(r.stderr_text, said_prefix);
            cr_assert_not_null(said, "stderr: %s", r.stderr_text);
            long tid = strtol(said + strlen(said_prefix), NULL, 10);
            cr_assert_eq(json_int(r.json, "violations[0].tid"), tid, "run %d: reported in tid "
                         "%lld, the smash was in %ld", i,
                         (long long)json_int(r.json, "violations[0].tid"), tid);
        }
        cr_assert_gt(json_int(r.json, "violations[0].thread"), 1, "not in the main thread");
        cr_assert_eq(json_int(r.json, "exit.code"), 7);
        harness_result_free(&r);
    }
}
