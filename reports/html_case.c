#include "html_case.h"
#include "html_escape.h"
#include "report_fields.h"
#include "reports.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* One <tr> of the violation table: label, address <symbol>, instruction. */
static void location_row(FILE *out, const char *label, const char *addr,
                         const char *symbol, const char *insn, const char *note)
{
    if (!addr)
        return;
    fputs("<tr><th>", out);
    html_put(out, label);
    fputs("</th><td><code>", out);
    html_put(out, addr);
    fputs("</code>", out);
    if (symbol && *symbol) {
        fputs(" <code>&lt;", out);
        html_put(out, symbol);
        fputs("&gt;</code>", out);
    }
    fputs("</td><td><code>", out);
    html_put(out, insn ? insn : "");
    fputs("</code>", out);
    if (note) {
        fputc(' ', out);
        html_put(out, note);
    }
    fputs("</td></tr>\n", out);
}

static void shadow_stack_table(FILE *out, json_object *v)
{
    json_object *stack = rep_field_array(v, "shadow_stack");
    json_object *symbols = rep_field_array(v, "shadow_stack_symbols");
    if (!stack)
        return;
    size_t n = json_object_array_length(stack);
    size_t nsym = symbols ? json_object_array_length(symbols) : 0;
    if (n == 0) {
        fputs("<p class=\"empty\">shadow stack empty</p>\n", out);
        return;
    }
    fputs("<table class=\"shadow-stack\"><caption>shadow stack, top first</caption>\n"
          "<thead><tr><th>#</th><th>address</th><th>symbol</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < n; i++) {
        json_object *sym = i < nsym ? json_object_array_get_idx(symbols, i) : NULL;
        fprintf(out, "<tr><td>%zu</td><td><code>", i);
        html_put(out, json_object_get_string(json_object_array_get_idx(stack, i)));
        fputs("</code></td><td><code>", out);
        html_put(out, sym ? json_object_get_string(sym) : "");
        fputs("</code></td></tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static void violation_block(FILE *out, json_object *v)
{
    const char *reason = rep_field_str(v, "reason", "");
    fputs("<div class=\"violation\"><p class=\"headline\">", out);
    html_put(out, rep_violation_kind(rep_field_str(v, "type", "")));
    fputs(" violation", out);
    if (*reason) {
        fputs(" (", out);
        html_put(out, reason);
        fputc(')', out);
    }
    if (rep_field_has_int(v, "thread"))
        fprintf(out, " in thread %" PRId64, rep_field_int(v, "thread", 0));
    if (rep_field_has_int(v, "tid"))
        fprintf(out, " (tid %" PRId64 ")", rep_field_int(v, "tid", 0));
    fputs("</p>\n<table class=\"where\">\n", out);
    location_row(out, "instruction", rep_field_str(v, "pc", NULL),
                 rep_field_str(v, "pc_symbol", NULL), rep_field_str(v, "insn", NULL), NULL);
    location_row(out, rep_target_label(reason), rep_field_str(v, "target", NULL),
                 rep_field_str(v, "target_symbol", NULL), rep_field_str(v, "target_insn", NULL),
                 strcmp(reason, "missing-endbranch") == 0 ? "(no ENDBR64)" : NULL);
    location_row(out, "expected", rep_field_str(v, "expected", NULL),
                 rep_field_str(v, "expected_symbol", NULL), NULL, NULL);
    fputs("</table>\n", out);
    shadow_stack_table(out, v);
    fputs("</div>\n", out);
}

static void text_field(FILE *out, const char *label, const char *value, int code)
{
    if (!value || !*value)
        return;
    fprintf(out, "<dt>%s</dt><dd>%s", label, code ? "<code>" : "");
    html_put(out, value);
    fprintf(out, "%s</dd>\n", code ? "</code>" : "");
}

static void list_field(FILE *out, const char *label, json_object *list)
{
    size_t n = list ? json_object_array_length(list) : 0;
    if (n == 0)
        return;
    fprintf(out, "<dt>%s</dt><dd>", label);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "<br><code>" : "<code>", out);
        html_put(out, json_object_get_string(json_object_array_get_idx(list, i)));
        fputs("</code>", out);
    }
    fputs("</dd>\n", out);
}

/* The console's summary line ("2 CET violations; guest exited with 0") as a field. */
static void run_summary_field(FILE *out, json_object *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return;
    report_console_summary(mem, run);
    fclose(mem);
    text_field(out, "Run", buf, 0);
    free(buf);
}

static void case_fields(FILE *out, json_object *c)
{
    json_object *run = rep_field_obj(c, "run");
    fputs("<dl>\n", out);
    text_field(out, "Description", rep_field_str(c, "description", NULL), 0);
    text_field(out, "File", rep_field_str(c, "file", NULL), 1);
    list_field(out, "Expected", rep_field_array(c, "expect"));
    list_field(out, "Options", rep_field_array(c, "options"));
    text_field(out, "Observed", rep_field_str(c, "observed", NULL), 1);
    text_field(out, "Message", rep_field_str(c, "message", NULL), 0);
    if (run)
        run_summary_field(out, run);
    list_field(out, "Warnings", rep_field_array(run, "warnings"));
    fputs("</dl>\n", out);
}

int html_case_details(FILE *out, json_object *c)
{
    enum rep_status s = rep_case_status(c);
    const char *name = rep_field_str(c, "name", "unnamed");
    char id[1024], time_buf[32];
    fprintf(out, "<details class=\"case %s\" id=\"%s\"%s>\n<summary>", rep_status_word(s),
            html_id_safe(name, id, sizeof id),
            s == REP_FAIL || s == REP_ERROR ? " open" : "");
    fprintf(out, "<span class=\"badge %s\">%s</span>", rep_status_word(s),
            rep_status_label(s));
    html_put(out, name);
    fprintf(out, "<span class=\"time\">%s s</span></summary>\n",
            rep_seconds(rep_field_double(c, "time_s", 0), time_buf, sizeof time_buf));
    case_fields(out, c);

    json_object *violations = rep_field_array(rep_field_obj(c, "run"), "violations");
    size_t nv = violations ? json_object_array_length(violations) : 0;
    for (size_t i = 0; i < nv; i++)
        violation_block(out, json_object_array_get_idx(violations, i));

    size_t out_len;
    const char *output = rep_field_str_len(c, "output", &out_len);
    if (output && out_len) {
        fputs("<h4>Guest output</h4>\n<pre class=\"output\">", out);
        if (html_put_len(out, output, out_len, HTML_OUTPUT_LIMIT) != 0)
            return -1;
        fputs("</pre>\n", out);
    } else {
        fputs("<p class=\"empty\">no guest output</p>\n", out);
    }
    fputs("</details>\n", out);
    return 0;
}
