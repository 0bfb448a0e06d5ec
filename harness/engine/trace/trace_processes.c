/* exec and fork under the trace engine: what the log shows of processes the engine does
 * not check, for the report's not_checked.
 *
 * QEMU's execve is the host's: the program the guest execs runs natively in QEMU's
 * process and writes no log; its end is QEMU's.  A forked child runs in a copy of QEMU
 * that writes into the same log, its blocks on the same vCPU index as its parent's, so
 * from the first fork on the guest's own blocks cannot be told from the child's: the
 * engine stops checking there (rather than report the child's control flow as the
 * parent's), and keeps reading system calls, whose lines name their process, for the
 * children and the programs they exec. */
#include "engine/trace/trace_state.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool named(const qlog_record *rec, const char *name)
{
    return strcmp(rec->name, name) == 0;
}

/* A system call of the guest's own process (a thread of it), not of a child: QEMU before
 * 9.2 prints the process id on every line, later ones the thread id. */
static bool of_the_guest(const trace_state *s, int64_t tid)
{
    if (tid == s->qemu_pid)
        return true;
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        if (s->threads[i].live && s->threads[i].tid == tid)
            return true;
    for (int i = 0; i < s->nlater_threads; i++)
        if (s->later_threads[i] == tid)
            return true;
    return false;
}

/* A thread the guest created after its first fork (threads are no longer followed then,
 * but their lines must not be taken for a child's). */
static void note_later_thread(trace_state *s, const qlog_record *rec)
{
    if (named(rec, "clone") && rec->has_result && rec->result > 0 &&
        s->nlater_threads < TRACE_MAX_LATER_THREADS)
        s->later_threads[s->nlater_threads++] = rec->result;
}

static bool forks(const qlog_record *rec)
{
    if (named(rec, "fork") || named(rec, "vfork"))
        return true;
    if (!named(rec, "clone") || rec->nargs < 1 || !rec->argstr[0])
        return false;
    /* QEMU runs CLONE_VFORK as a fork, and a clone without CLONE_VM as one. */
    return !qlog_has_flag(rec->argstr[0], "CLONE_VM") || qlog_has_flag(rec->argstr[0], "CLONE_VFORK");
}

/* "\"text\"" -> text (QEMU does not escape quotes inside). */
static char *unquote(const char *arg)
{
    size_t n = arg ? strlen(arg) : 0;
    if (n < 2 || arg[0] != '"' || arg[n - 1] != '"')
        return strdup(arg ? arg : "");
    return strndup(arg + 1, n - 2);
}

/* {"a","b",NULL} -> its strings, at most max, into out (strdup'ed); returns the count. */
static size_t split_argv(const char *arg, char **out, size_t max)
{
    size_t n = 0;
    const char *p = arg && arg[0] == '{' ? arg + 1 : NULL;
    while (p && *p == '"' && n < max) {
        const char *end = strstr(p + 1, "\",");
        if (!end)
            end = strstr(p + 1, "\"}");
        if (!end)
            break;
        out[n] = strndup(p + 1, (size_t)(end - p - 1));
        if (!out[n])
            break;
        n++;
        p = end + 2;
    }
    return n;
}

static void exec_seen(trace_state *s, const qlog_record *rec, bool by_the_guest)
{
    int path_arg = named(rec, "execveat") ? 1 : 0;
    if (rec->nargs <= path_arg + 1)
        return;
    char *program = unquote(rec->argstr[path_arg]);
    if (!program)
        return;
    if (by_the_guest) {
        char *argv[UNCHECKED_ARGV_MAX];
        size_t argc = split_argv(rec->argstr[path_arg + 1], argv, UNCHECKED_ARGV_MAX);
        run_outcome_note_exec(s->out, program, (const char *const *)argv, argc);
        for (size_t i = 0; i < argc; i++)
            free(argv[i]);
    } else {
        run_outcome_note_child_exec(s->out, program);
    }
    free(program);
}

/* Did this execve fail?  Once two processes write the log, a result line that names no
 * process can go to the wrong call (a parent's wait4 gives -ECHILD or a pid to its
 * child's execve), so only an error execve itself returns counts as a failure; no result
 * at all means it worked (QEMU's image, which would have printed it, is gone). */
static bool exec_failed(const qlog_record *rec)
{
    static const int exec_errors[] = {1, 2, 5, 7, 8, 12, 13, 14, 20, 21, 22, 26, 36, 40, 80};
    if (!rec->has_result || rec->result >= 0)
        return false;
    for (size_t i = 0; i < sizeof exec_errors / sizeof *exec_errors; i++)
        if (rec->result == -exec_errors[i])
            return true;
    return false;
}

/* Children are counted by process id, from both sides: the pid a fork of the guest
 * returned, and the id on each line of another process (QEMU before 9.2 prints the
 * process id; later ones the thread id, the process id for a child's first thread).
 * A result that goes astray, or a fork line cut by another process's, then loses no
 * child: each writes lines of its own (at least its execve or exit_group). */
void trace_note_processes(trace_state *s, const qlog_record *rec)
{
    /* Before the first fork every line is the guest's (a new thread's id may not be
     * known yet). */
    bool by_the_guest = !rec->fork_child && (!s->forked || of_the_guest(s, rec->tid));
    if ((named(rec, "execve") || named(rec, "execveat")) && !exec_failed(rec))
        exec_seen(s, rec, by_the_guest);
    if (!by_the_guest && rec->tid > 0)
        run_outcome_note_child(s->out, rec->tid);
    if (by_the_guest && s->forked && !forks(rec))
        note_later_thread(s, rec);
    if (!forks(rec) || !by_the_guest)
        return;
    trace_stop_checking_at_fork(s);
    if (rec->has_result && rec->result > 0)
        run_outcome_note_child(s->out, rec->result);   /* a pid given twice counts once */
}

void trace_stop_checking_at_fork(trace_state *s)
{
    s->forked = true;
    s->out->unchecked.guest_after_fork = true;
}

/* "TID name(" at the start of a cut line: the tid (-1: the line does not start with
 * one), and the name into name[cap] ("" when it was cut off); the text after the
 * parenthesis, or NULL. */
static const char *cut_call_start(const char *line, int64_t *tid, char *name, size_t cap)
{
    char *end;
    long long v = strtoll(line, &end, 10);
    *tid = -1;
    name[0] = '\0';
    if (end == line || *end != ' ' || v <= 0)
        return NULL;
    *tid = v;
    const char *p = end + 1, *start = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    size_t n = (size_t)(p - start);
    if (n == 0 || n >= cap || *p != '(')
        return NULL;
    memcpy(name, start, n);
    name[n] = '\0';
    return p + 1;
}

/* The first "quoted" argument of a cut call, when it was printed whole. */
static char *first_string(const char *args)
{
    const char *open = strchr(args, '"');
    const char *close = open ? strstr(open + 1, "\",") : NULL;
    return close ? strndup(open + 1, (size_t)(close - open - 1)) : NULL;
}

/* Children are counted by their own lines too, so a cut fork loses nothing; what can be
 * lost is a system call whose name was cut off, or an exec whose path was. */
void trace_note_cut_call(trace_state *s, const char *line)
{
    int64_t tid;
    char name[32];
    const char *args = cut_call_start(line, &tid, name, sizeof name);
    if (tid <= 0)
        return;   /* not a system call's line: a block's, which is not read after a fork */
    bool by_the_guest = of_the_guest(s, tid);
    if (!by_the_guest)
        run_outcome_note_child(s->out, tid);
    if (!args)
        s->out->unchecked.children_exact = false;
    if (!args || (strcmp(name, "execve") != 0 && strcmp(name, "execveat") != 0))
        return;
    /* Its result, which would say whether it worked, is lost with the rest. */
    char *program = first_string(args);
    if (program && by_the_guest)
        run_outcome_note_exec(s->out, program, NULL, 0);
    else if (program)
        run_outcome_note_child_exec(s->out, program);
    else
        s->out->unchecked.children_exact = false;
    free(program);
}
