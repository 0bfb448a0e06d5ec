/* Naming the files the guest maps (its shared libraries), from the log alone: openat
 * says which path a descriptor is, mmap where that file went.  The RSP engine reads
 * QEMU's /proc/PID/fd at the stop instead; here the guest has long closed the
 * descriptor by the time its log line is read. */
#include "engine/trace/trace_state.h"
#include "guest/sysroot.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void forget_fd(trace_state *s, int64_t fd)
{
    if (fd >= 0 && fd < TRACE_MAX_FDS) {
        free(s->fd_paths[fd]);
        s->fd_paths[fd] = NULL;
    }
}

void trace_file_opened(trace_state *s, int64_t fd, const char *path, size_t len)
{
    char *guest_path, host_path[PATH_MAX];
    if (fd < 0 || fd >= TRACE_MAX_FDS || len == 0 || !(guest_path = strndup(path, len)))
        return;
    forget_fd(s, fd);
    /* Under QEMU's -L the file opened is the sysroot's copy, when there is one. */
    s->fd_paths[fd] = strdup(sysroot_path(s->opt->sysroot, guest_path, host_path,
                                          sizeof host_path));
    free(guest_path);
}

void trace_file_mapped(trace_state *s, uint64_t addr, uint64_t len, uint64_t offset, int64_t fd)
{
    if (fd < 0 || fd >= TRACE_MAX_FDS || !s->fd_paths[fd])
        return;
    if (module_map_add(&s->out->modules, addr, len, offset, s->fd_paths[fd]) != 0)
        run_outcome_warn(s->out, "out of memory naming the file mapped at 0x%llx",
                         (unsigned long long)addr);
}

void trace_fd_closed(trace_state *s, int64_t fd)
{
    forget_fd(s, fd);
}

/* openat(dirfd, "path", flags) = fd: the path without its quotes. */
static void opened(trace_state *s, const qlog_record *rec, int path_arg)
{
    const char *p = rec->nargs > path_arg ? rec->argstr[path_arg] : NULL;
    if (!rec->has_result || rec->result < 0 || !p || p[0] != '"')
        return;
    size_t n = strlen(p + 1);
    if (n == 0 || p[n] != '"')
        return;
    trace_file_opened(s, rec->result, p + 1, n - 1);
}

/* mmap(addr, len, prot, flags, fd, offset) = addr of a file the guest opened. */
static void mapped(trace_state *s, const qlog_record *rec)
{
    if (!rec->has_result || rec->result < 0 || rec->nargs < 6)
        return;
    trace_file_mapped(s, (uint64_t)rec->result, rec->args[1], rec->args[5], (int64_t)rec->args[4]);
}

void trace_on_file_syscall(trace_state *s, const qlog_record *rec)
{
    if (strcmp(rec->name, "openat") == 0)
        opened(s, rec, 1);
    else if (strcmp(rec->name, "open") == 0)
        opened(s, rec, 0);
    else if (strcmp(rec->name, "mmap") == 0)
        mapped(s, rec);
    else if (strcmp(rec->name, "close") == 0 && rec->nargs > 0)
        trace_fd_closed(s, (int64_t)rec->args[0]);
}

void trace_files_free(trace_state *s)
{
    for (int i = 0; i < TRACE_MAX_FDS; i++)
        forget_fd(s, i);
}
