/* A case after its run: how the `cetharness run` child ended, then its JSON judged
 * against the case's header (case_verdict.c). */
#include "commands/suite_command_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "guest/elf_facts.h"
#include "suite/case_verdict.h"

static void last_line(const char *text, char *buf, size_t cap)
{
    const char *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    const char *start = end;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(buf, cap, "%.*s", (int)(end - start), start);
}

static bool elf_label(void *ctx, const char *label, uint64_t *addr, uint64_t *size)
{
    const elf_facts *f = ctx;
    for (size_t i = 0; i < f->nsymbols; i++) {
        if (f->symbols[i].name && strcmp(f->symbols[i].name, label) == 0) {
            *addr = f->symbols[i].addr;
            *size = f->symbols[i].size;
            return true;
        }
    }
    return false;
}

static void apply_verdict(case_state *c, const case_verdict *v)
{
    static const case_status by_verdict[] = {CASE_PASS, CASE_FAIL, CASE_ERROR};
    snprintf(c->observed, sizeof c->observed, "%s", v->observed);
    suite_set_outcome(c, by_verdict[v->status], "%s", v->message);
}

static void judge_run(case_state *c)
{
    case_verdict v;
    if (c->m.kind != CASE_EXPECT_VIOLATION) {
        case_verdict_judge(&c->m, c->run, NULL, &v);
        apply_verdict(c, &v);
        return;
    }
    elf_facts f;
    char err[512];
    if (elf_facts_load(c->sc->binary, &f, err, sizeof err) != 0) {
        suite_set_outcome(c, CASE_ERROR, "%s", err);
        return;
    }
    label_resolver labels = {.lookup = elf_label, .ctx = &f};
    case_verdict_judge(&c->m, c->run, &labels, &v);
    apply_verdict(c, &v);
    elf_facts_free(&f);
}

static bool run_says_timeout(json_object *run)
{
    json_object *exit_obj, *status;
    return json_object_object_get_ex(run, "exit", &exit_obj) &&
           json_object_object_get_ex(exit_obj, "status", &status) &&
           json_object_is_type(status, json_type_string) &&
           strcmp(json_object_get_string(status), "timeout") == 0;
}

/* Exit 125 (the harness could not run), 127 (exec failed) or no JSON at all. */
static void judge_unusable(case_state *c, int code, const char *tail)
{
    if (c->run) {
        case_verdict v;
        case_verdict_judge(&c->m, c->run, NULL, &v);
        if (v.status == VERDICT_ERROR) {
            apply_verdict(c, &v);
            return;
        }
    }
    suite_set_outcome(c, CASE_ERROR, "the harness exited with %d%s%s%s", code,
                      c->run ? "" : " and wrote no JSON", *tail ? ": " : "", tail);
}

/* Conformance mode: the run's own verdict on the emulator decides. */
static void judge_conformance(case_state *c)
{
    json_object *conf = NULL, *field;
    if (!json_object_object_get_ex(c->run, "conformance", &conf)) {
        suite_set_outcome(c, CASE_ERROR, "the run wrote no conformance verdict");
        return;
    }
    const char *verdict = json_object_object_get_ex(conf, "verdict", &field)
                              ? json_object_get_string(field) : "?";
    const char *pc = json_object_object_get_ex(conf, "pc", &field) && field
                         ? json_object_get_string(field) : "";
    const char *sym = json_object_object_get_ex(conf, "pc_symbol", &field) && field
                          ? json_object_get_string(field) : "";
    const char *detail = json_object_object_get_ex(conf, "detail", &field) && field
                             ? json_object_get_string(field) : "";
    snprintf(c->observed, sizeof c->observed, "%s", verdict);
    if (strcmp(verdict, "conforms") == 0)
        suite_set_outcome(c, CASE_PASS, "conforms");
    else
        suite_set_outcome(c, CASE_FAIL, "%s%s%s%s%s%s: %s", verdict, *pc ? " at " : "", pc,
                          *sym ? " <" : "", sym, *sym ? ">" : "", detail);
}

/* The child's own ending comes first: a harness that died cannot be judged. */
void suite_settle(case_state *c, const runner_result *r, double watchdog_s, bool conformance)
{
    char tail[256], signame[32];
    last_line(r->output, tail, sizeof tail);
    if (r->spawn_failed) {
        suite_set_outcome(c, CASE_ERROR, "could not start the run: %s", tail);
        return;
    }
    if (r->timed_out) {
        suite_set_outcome(c, CASE_ERROR, "timed out (killed after %.0fs)", watchdog_s);
        return;
    }
    c->run = json_object_from_file(c->json_path);
    int code = WIFEXITED(r->wait_status) ? WEXITSTATUS(r->wait_status) : -1;
    if (WIFSIGNALED(r->wait_status))
        suite_set_outcome(c, CASE_ERROR, "the harness died of %s%s%s",
                          case_signal_name(WTERMSIG(r->wait_status), signame, sizeof signame),
                          *tail ? ": " : "", tail);
    else if (run_says_timeout(c->run))
        suite_set_outcome(c, CASE_ERROR, "timed out after %gs", watchdog_s - WATCHDOG_GRACE_S);
    else if (code == 125 || code == 127 || !c->run)
        judge_unusable(c, code, tail);
    else if (conformance)
        judge_conformance(c);
    else
        judge_run(c);
}
