/* The run's "not_checked" object on the console: what the guest started that no engine
 * followed, so that a clean summary is not read as covering it. */
#include "reports.h"
#include "report_fields.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

enum { ARGV_SHOWN = 8 };

static void print_strings(FILE *out, json_object *items, size_t max, const char *sep)
{
    size_t n = items ? json_object_array_length(items) : 0;
    for (size_t i = 0; i < n && i < max; i++)
        fprintf(out, "%s%s", i ? sep : "", json_object_get_string(json_object_array_get_idx(items, i)));
    if (n > max)
        fprintf(out, "%s...", sep);
}

static void print_exec(FILE *out, json_object *exec)
{
    fprintf(out, "cetharness: not checked: the guest exec'd %s", rep_field_str(exec, "program", "?"));
    json_object *argv = rep_field_array(exec, "argv");
    if (argv && json_object_array_length(argv) > 1) {
        fprintf(out, " (argv: ");
        print_strings(out, argv, ARGV_SHOWN, " ");
        fputc(')', out);
    }
    fprintf(out, "; QEMU runs an exec'd program natively on the host, outside QEMU and the "
                 "harness; the run's exit status is that program's\n");
}

static void print_children(FILE *out, json_object *nc, const char *engine)
{
    int64_t children = rep_field_int(nc, "children", 0);
    json_object *programs = rep_field_array(nc, "children_programs");
    fprintf(out, "cetharness: not checked: %" PRId64 " child process%s the guest forked (QEMU "
                 "runs %s without the harness)", children, children == 1 ? "" : "es",
            children == 1 ? "it" : "them");
    if (programs && json_object_array_length(programs) > 0) {
        fprintf(out, "; they exec'd ");
        print_strings(out, programs, UINT32_MAX, ", ");
    } else if (!programs) {
        fprintf(out, "; what they exec'd is not seen by --engine=%s (--engine=trace names it)", engine);
    }
    json_object *exact = NULL;
    if (json_object_object_get_ex(nc, "children_exact", &exact) && !json_object_get_boolean(exact))
        fprintf(out, " (a lower bound: the guest and its children wrote QEMU's log at once, and "
                     "some of its lines were cut or misplaced)");
    fputc('\n', out);
}

void report_console_not_checked(FILE *out, json_object *run)
{
    json_object *nc = rep_field_obj(run, "not_checked");
    if (!nc)
        return;
    json_object *exec = rep_field_obj(nc, "exec");
    if (exec)
        print_exec(out, exec);
    if (rep_field_int(nc, "children", 0) > 0)
        print_children(out, nc, rep_field_str(run, "engine", "rsp"));
    json_object *after_fork = NULL;
    if (json_object_object_get_ex(nc, "guest_after_fork", &after_fork) &&
        json_object_get_boolean(after_fork))
        fprintf(out, "cetharness: not checked: the guest itself after its first fork (in "
                     "QEMU's log the child's blocks cannot be told from the parent's; "
                     "--engine=rsp checks the parent)\n");
}

bool report_run_incomplete(json_object *run)
{
    json_object *nc = rep_field_obj(run, "not_checked"), *after_fork = NULL;
    if (!nc)
        return false;
    return rep_field_obj(nc, "exec") || rep_field_int(nc, "children", 0) > 0 ||
           (json_object_object_get_ex(nc, "guest_after_fork", &after_fork) &&
            json_object_get_boolean(after_fork));
}
