/* What a run did not check (run_outcome.unchecked): the program the guest exec'd and the
 * processes it forked, so that the report can say so instead of staying silent. */
#include "engine/run_outcome.h"

#include <stdlib.h>
#include <string.h>

void run_unchecked_forget_exec(run_unchecked *u)
{
    free(u->exec_program);
    for (size_t i = 0; i < u->exec_argc; i++)
        free(u->exec_argv[i]);
    free(u->exec_argv);
    u->exec_program = NULL;
    u->exec_argv = NULL;
    u->exec_argc = 0;
}

void run_outcome_note_exec(run_outcome *o, const char *program, const char *const *argv, size_t argc)
{
    run_unchecked *u = &o->unchecked;
    run_unchecked_forget_exec(u);
    u->exec_program = strdup(program ? program : "");
    if (argc > UNCHECKED_ARGV_MAX)
        argc = UNCHECKED_ARGV_MAX;
    u->exec_argv = argc ? calloc(argc, sizeof *u->exec_argv) : NULL;
    for (size_t i = 0; u->exec_argv && i < argc; i++)
        if ((u->exec_argv[u->exec_argc] = strdup(argv[i] ? argv[i] : "")))
            u->exec_argc++;
}

void run_outcome_note_child(run_outcome *o, int64_t pid)
{
    run_unchecked *u = &o->unchecked;
    for (size_t i = 0; pid > 0 && i < u->nchild_pids; i++)
        if (u->child_pids[i] == pid)
            return;
    u->children++;
    int64_t *grown = pid > 0 ? realloc(u->child_pids, (u->nchild_pids + 1) * sizeof *grown) : NULL;
    if (grown) {
        u->child_pids = grown;
        u->child_pids[u->nchild_pids++] = pid;
    }
}

void run_outcome_note_child_exec(run_outcome *o, const char *program)
{
    run_unchecked *u = &o->unchecked;
    for (size_t i = 0; i < u->nchild_programs; i++)
        if (strcmp(u->child_programs[i], program) == 0)
            return;
    if (u->nchild_programs >= UNCHECKED_PROGRAMS_MAX)
        return;
    char **grown = realloc(u->child_programs, (u->nchild_programs + 1) * sizeof *grown);
    if (!grown)
        return;
    u->child_programs = grown;
    if ((u->child_programs[u->nchild_programs] = strdup(program)))
        u->nchild_programs++;
}

void run_unchecked_free(run_unchecked *u)
{
    run_unchecked_forget_exec(u);
    for (size_t i = 0; i < u->nchild_programs; i++)
        free(u->child_programs[i]);
    free(u->child_programs);
    free(u->child_pids);
    memset(u, 0, sizeof *u);
}
