/* Finds the qemu-x86_64 the suite's runs will use and asks its version, which cases
 * with "needs: qemu>=X.Y" are held against. */
#include "commands/suite_command_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool find_in_path(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (strchr(name, '/')) {
        snprintf(out, cap, "%s", name);
        return access(name, X_OK) == 0;
    }
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)len, p, name) < cap &&
            access(out, X_OK) == 0)
            return true;
        p += len + (p[len] == ':');
    }
    snprintf(out, cap, "%s", name);
    return false;
}

static void keep_version(void *ctx, size_t index, const runner_result *r)
{
    qemu_info *q = ctx;
    (void)index;
    const char *v = r->spawn_failed ? NULL : strstr(r->output, "version ");
    if (v && sscanf(v, "version %63[0-9.]", q->version) == 1 &&
        sscanf(q->version, "%d.%d", &q->major, &q->minor) != 2)
        q->version[0] = '\0';
}

/* Asks `QEMU --version` once; an unknown version only matters to needs: cases. */
void suite_probe_qemu(const suite_options *o, qemu_info *q)
{
    const char *name = o->qemu ? o->qemu : getenv("QEMU");
    memset(q, 0, sizeof *q);
    if (!find_in_path(name && *name ? name : "qemu-x86_64", q->path, sizeof q->path))
        return;
    char version_flag[] = "--version";
    char *argv[] = {q->path, version_flag, NULL};
    runner_job job = {.argv = argv, .kill_after_s = 10};
    runner_callbacks cb = {.finished = keep_version, .ctx = q};
    char err[128];
    runner_run(&job, 1, 1, &cb, err, sizeof err);
}
