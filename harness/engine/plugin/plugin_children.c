/* What a forked child execs: the child is out of the stream, but tells the program it is
 * about to exec, and that the exec failed when it did (a PATH search tries several).
 * The latest path of each child that did not fail is the program it runs, outside QEMU
 * and unchecked: the report names it. */
#include "engine/plugin/plugin_run.h"

#include <stdlib.h>
#include <string.h>

static plugin_child_exec *of_child(plugin_run *p, uint32_t pid)
{
    for (size_t i = 0; i < p->nchild_execs; i++)
        if (p->child_execs[i].pid == pid)
            return &p->child_execs[i];
    return NULL;
}

int plugin_on_child_exec(plugin_run *p, unsigned flags, const cs_child_exec *r)
{
    plugin_child_exec *c = of_child(p, r->pid);
    if (flags & CS_CHILD_EXEC_FAILED) {
        if (c) {
            free(c->path);
            *c = p->child_execs[--p->nchild_execs];
        }
        return 0;
    }
    if (r->len == 0 || r->h.size < sizeof *r + r->len || ((const char *)(r + 1))[r->len - 1])
        return plugin_fail(p, "the plugin's stream holds a malformed child exec record");
    char *path = strdup((const char *)(r + 1));
    if (!path)
        return plugin_fail(p, "out of memory");
    if (!c) {
        plugin_child_exec *grown = realloc(p->child_execs,
                                           (p->nchild_execs + 1) * sizeof *grown);
        if (!grown) {
            free(path);
            return plugin_fail(p, "out of memory");
        }
        p->child_execs = grown;
        c = &p->child_execs[p->nchild_execs++];
        c->pid = r->pid;
        c->path = NULL;
    }
    free(c->path);
    c->path = path;
    return 0;
}

void plugin_forget_child_execs(plugin_run *p)
{
    for (size_t i = 0; i < p->nchild_execs; i++)
        free(p->child_execs[i].path);
    free(p->child_execs);
    p->child_execs = NULL;
    p->nchild_execs = 0;
}

void plugin_note_child_execs(plugin_run *p)
{
    for (size_t i = 0; i < p->nchild_execs; i++)
        run_outcome_note_child_exec(p->core->out, p->child_execs[i].path);
    plugin_forget_child_execs(p);
}
