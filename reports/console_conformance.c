/* The console's account of a conformance run: the verdict, where, why, and what the
 * emulator said last when it ended QEMU itself. */
#include "reports.h"
#include "report_fields.h"

#include <string.h>

#define ANSI_HEADLINE "\033[1;31m"
#define ANSI_RESET "\033[0m"

static void print_last_words(FILE *out, const char *text)
{
    fprintf(out, "  the emulator's last words on stderr:\n");
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "    %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

void report_console_conformance(FILE *out, json_object *conformance, int color)
{
    const char *verdict = rep_field_str(conformance, "verdict", "?");
    if (strcmp(verdict, "conforms") == 0)
        return;
    fprintf(out, "%s==CET== conformance: %s", color ? ANSI_HEADLINE : "", verdict);
    const char *pc = rep_field_str(conformance, "pc", "");
    if (*pc) {
        const char *sym = rep_field_str(conformance, "pc_symbol", "");
        const char *insn = rep_field_str(conformance, "insn", "");
        fprintf(out, " at %s", pc);
        if (*sym)
            fprintf(out, " <%s>", sym);
        if (*insn)
            fprintf(out, ":  %s", insn);
    }
    fprintf(out, "%s\n  %s\n", color ? ANSI_RESET : "", rep_field_str(conformance, "detail", ""));
    json_object *stack = rep_field_array(conformance, "shadow_stack");
    size_t n = stack ? json_object_array_length(stack) : 0;
    if (n > 0) {
        fprintf(out, "  the model's shadow stack (top first):");
        for (size_t i = 0; i < n; i++)
            fprintf(out, " %s", json_object_get_string(json_object_array_get_idx(stack, i)));
        fputc('\n', out);
    }
    const char *said = rep_field_str(conformance, "emulator_stderr", "");
    if (*said)
        print_last_words(out, said);
    fputc('\n', out);
}
