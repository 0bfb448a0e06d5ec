/* execve and execveat under the RSP engine.
 *
 * QEMU (linux-user, 7.2 to 11.1) carries out a guest's execve as the host's execve: the
 * new program replaces QEMU in its process and runs natively, outside QEMU, and the
 * stub's socket (close-on-exec) closes with it.  So the harness cannot follow it.  At the
 * call it reads which program the guest execs; the call then runs to the next
 * instruction like any other, so that a failed execve (execvp tries each PATH entry)
 * returns to a guest that is still checked.  When the connection closes instead, the
 * exec worked: the report names the program as not checked, and the run ends as QEMU's
 * process, now that program, ends. */
#include "engine/engine.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    SYS_EXECVEAT = 322, AT_FDCWD_VALUE = -100, AT_EMPTY_PATH_FLAG = 0x1000,
    GUEST_PAGE = 4096, STRING_CHUNK = 64, ARG_TEXT_MAX = 1024,
};

/* A NUL-terminated string of guest memory, cut at cap; -1 when none can be read. */
static int read_guest_string(engine *e, uint64_t addr, char *buf, size_t cap)
{
    size_t len = 0;
    while (len + 1 < cap) {
        size_t chunk = GUEST_PAGE - (size_t)((addr + len) % GUEST_PAGE);
        if (chunk > STRING_CHUNK)
            chunk = STRING_CHUNK;
        if (chunk > cap - 1 - len)
            chunk = cap - 1 - len;
        if (rsp_read_memory(e->rsp, addr + len, buf + len, chunk) != RSP_OK)
            break;
        void *nul = memchr(buf + len, '\0', chunk);
        if (nul)
            return 0;
        len += chunk;
    }
    buf[len] = '\0';
    return len > 0 ? 0 : -1;
}

/* execveat(dirfd, path, ..., flags): the file it names, as far as the harness can tell
 * (a descriptor's path is QEMU's /proc/PID/fd/N: QEMU passes descriptors through). */
static void execveat_program(engine *e, int64_t dirfd, uint64_t flags, char *path, size_t cap)
{
    char dir[PATH_MAX];
    ssize_t n;
    if (dirfd == AT_FDCWD_VALUE || path[0] == '/' ||
        (n = engine_guest_fd_path(e, dirfd, dir, sizeof dir)) < 0)
        return;
    bool the_descriptor = path[0] == '\0' && (flags & AT_EMPTY_PATH_FLAG);
    size_t dlen = (size_t)n, plen = strlen(path);
    if (dlen + 1 + plen + 1 > cap)
        return;   /* too long to name: the path as the guest gave it stays */
    memmove(path + (the_descriptor ? dlen : dlen + 1), path, plen + 1);
    memcpy(path, dir, dlen);
    if (!the_descriptor)
        path[dlen] = '/';
}

void engine_exec_call(engine *e, uint64_t nr, const uint64_t *args)
{
    bool at = nr == SYS_EXECVEAT;
    uint64_t path_addr = at ? args[1] : args[0], argv_addr = at ? args[2] : args[1];
    char program[PATH_MAX], texts[UNCHECKED_ARGV_MAX][ARG_TEXT_MAX];
    const char *argv[UNCHECKED_ARGV_MAX];
    size_t argc = 0;
    if (read_guest_string(e, path_addr, program, sizeof program) != 0)
        snprintf(program, sizeof program, "(unreadable path at 0x%llx)", (unsigned long long)path_addr);
    if (at)
        execveat_program(e, (int64_t)args[0], args[4], program, sizeof program);
    for (; argv_addr && argc < UNCHECKED_ARGV_MAX; argc++) {
        uint64_t p;
        if (rsp_read_memory(e->rsp, argv_addr + 8 * argc, &p, 8) != RSP_OK || p == 0 ||
            read_guest_string(e, p, texts[argc], sizeof texts[argc]) != 0)
            break;
        argv[argc] = texts[argc];
    }
    run_outcome_note_exec(&e->out, program, argv, argc);
}

void engine_exec_returned(engine *e)
{
    run_unchecked_forget_exec(&e->out.unchecked);
}

bool engine_exec_happened(const engine *e)
{
    return e->out.unchecked.exec_program != NULL;
}
