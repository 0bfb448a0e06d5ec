/* The suite's console: a line for each case as it ends on stdout and, on a terminal,
 * a progress line on stderr naming the cases still running. */
#include "commands/suite_command_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Indexed by case_status. */
static const char *const status_labels[] = {"PENDING", "PASS", "FAIL", "ERROR", "SKIP"};

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

void suite_clear_progress(const suite_ctx *s)
{
    if (s->tty)
        fputs("\r\033[K", stderr);
}

void suite_draw_progress(const suite_ctx *s)
{
    if (!s->tty)
        return;
    char line[512];
    size_t width = terminal_width() - 1, used;
    if (width >= sizeof line)
        width = sizeof line - 1;
    used = (size_t)snprintf(line, sizeof line, "[%zu/%zu] running:", s->done, s->ncases);
    for (size_t i = 0; i < s->ncases && used < width; i++)
        if (s->cases[i].running)
            used += (size_t)snprintf(line + used, sizeof line - used, " %s", s->cases[i].sc->name);
    line[used < width ? used : width] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

void suite_print_case(suite_ctx *s, const case_state *c)
{
    /* Conformance mode sums the verdicts up at the end; only what kept a case from
     * being graded is worth a line now. */
    if (s->o->conformance && c->status != CASE_ERROR)
        return;
    suite_clear_progress(s);
    printf("%s %s %.2fs\n", status_labels[c->status], c->sc->name, c->time_s);
    if (c->status == CASE_FAIL || c->status == CASE_ERROR)
        printf("    %s\n", c->message);
    fflush(stdout);
    suite_draw_progress(s);
}

enum { NAMES_SHOWN = 6 };

/* One line per verdict: how many cases, and the first few of them. */
static void print_verdict_line(const suite_ctx *s, const char *verdict)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncases; i++)
        n += strcmp(s->cases[i].observed, verdict) == 0 && s->cases[i].status != CASE_ERROR;
    if (n == 0)
        return;
    printf("  %-15s %3zu", verdict, n);
    if (strcmp(verdict, "conforms") != 0) {
        size_t shown = 0;
        for (size_t i = 0; i < s->ncases && shown < NAMES_SHOWN; i++)
            if (strcmp(s->cases[i].observed, verdict) == 0 && s->cases[i].status != CASE_ERROR)
                printf("%s %s", shown++ ? "," : "", s->cases[i].sc->name);
        if (n > shown)
            printf(", ... %zu more", n - shown);
    }
    putchar('\n');
}

void suite_print_conformance_summary(const suite_ctx *s)
{
    static const char *const verdicts[] = {"missed-cp", "spurious-cp", "wrong-place",
                                           "wrong-delivery", "wrong-effect", "emulator-error",
                                           "conforms"};
    printf("conformance of %s %s, by verdict (every case in the HTML and JSON reports):\n",
           s->qemu.path, s->qemu.version);
    for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++)
        print_verdict_line(s, verdicts[i]);
    fflush(stdout);
}
