/* QEMU's lookup of guest paths under -L, as linux-user's path() does it. */
#include "guest/sysroot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *sysroot_path(const char *sysroot, const char *path, char *buf, size_t cap)
{
    bool prefixed = sysroot && *sysroot && strcmp(sysroot, "/") != 0 && path && path[0] == '/';
    /* A relative -L is relative to QEMU's start directory, which is the harness's. */
    if (prefixed && (size_t)snprintf(buf, cap, "%s%s", sysroot, path) < cap &&
        access(buf, F_OK) == 0)
        return buf;
    snprintf(buf, cap, "%s", path ? path : "");
    return buf;
}

int elf_facts_set_sysroot(elf_facts *f, const char *sysroot)
{
    if (!f->interp)
        return 0;
    size_t cap = strlen(f->interp) + (sysroot ? strlen(sysroot) : 0) + 1;
    char *file = malloc(cap);
    if (!file)
        return -1;
    sysroot_path(sysroot, f->interp, file, cap);
    free(f->interp_file);
    f->interp_file = file;
    return 0;
}
