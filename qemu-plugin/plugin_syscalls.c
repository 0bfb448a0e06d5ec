/* System calls: every call with its six arguments, every return, and for the few calls
 * whose meaning is in memory (a path, execve's argv, a struct sigaction) that memory,
 * read while the calling thread is inside the call, so it is what the kernel sees.  A
 * fork's child leaves the stream at its first return (it would otherwise write into its
 * parent's); from then on it tells only the programs it execs. */
#include "plugin_state.h"

#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

enum {
    NR_OPEN = 2, NR_RT_SIGACTION = 13, NR_CLONE = 56, NR_FORK = 57, NR_VFORK = 58,
    NR_EXECVE = 59, NR_OPENAT = 257, NR_EXECVEAT = 322,
    PATH_BYTES = 4096, SIGACTION_BYTES = 32,   /* handler, flags, restorer, mask */
    ARGV_MAX = 32,
    PAGE = 4096,
};

/* Guest memory through the kernel, so that a bad pointer is an error, not a crash. */
static bool read_guest(uint64_t addr, void *buf, size_t len)
{
    uintptr_t base;
    if (!guest_memory_base(&base))
        return false;
    struct iovec local = {buf, len}, remote = {(void *)(base + (uintptr_t)addr), len};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* The NUL-terminated string at addr into text (cap bytes), a page at a time (the next
 * may not be mapped): its length with the NUL, or cap when it is longer (*truncated);
 * 0 when it cannot be read. */
static size_t read_string(uint64_t addr, char *text, size_t cap, bool *truncated)
{
    size_t got = 0;
    *truncated = false;
    while (got < cap) {
        size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
        if (chunk > cap - got)
            chunk = cap - got;
        if (!read_guest(addr + got, text + got, chunk))
            return 0;
        const char *nul = memchr(text + got, '\0', chunk);
        if (nul)
            return (size_t)(nul - text) + 1;
        got += chunk;
    }
    *truncated = true;
    return got;
}

static void send_string(unsigned vcpu, int64_t num, unsigned arg, uint64_t addr)
{
    char text[PATH_BYTES];
    bool truncated;
    size_t len = read_string(addr, text, sizeof text, &truncated);
    if (len)
        emit_sysmem(vcpu, num, arg, CS_MEM_STRING | (truncated ? CS_MEM_TRUNCATED : 0), text,
                    (uint32_t)len);
}

/* A fork's child is out of the stream, but the program it execs runs outside QEMU,
 * unchecked: it tells which (and, when the exec fails, that it did). */
static void child_exec(int64_t num, uint64_t path_addr)
{
    char path[PATH_BYTES];
    bool truncated;
    if (num != NR_EXECVE && num != NR_EXECVEAT)
        return;
    size_t len = read_string(path_addr, path, sizeof path, &truncated);
    if (len == 0 || truncated)
        snprintf(path, sizeof path, "(a path at 0x%llx)", (unsigned long long)path_addr);
    emit_child_exec(path);
}

/* An argv array: each string in order, as records of the same argument, up to ARGV_MAX. */
static void send_argv(unsigned vcpu, int64_t num, unsigned arg, uint64_t addr)
{
    for (unsigned i = 0; addr && i < ARGV_MAX; i++) {
        uint64_t string;
        if (!read_guest(addr + 8 * i, &string, sizeof string) || !string)
            return;
        send_string(vcpu, num, arg, string);
    }
}

static void send_memory(unsigned vcpu, int64_t num, unsigned arg, uint64_t addr, size_t len)
{
    uint8_t data[SIGACTION_BYTES];
    if (addr && len <= sizeof data && read_guest(addr, data, len))
        emit_sysmem(vcpu, num, arg, 0, data, (uint32_t)len);
}

void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1, uint64_t a2,
                uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8)
{
    (void)id; (void)a7; (void)a8;
    const uint64_t args[6] = {a1, a2, a3, a4, a5, a6};
    if (vcpu >= MAX_VCPUS)
        return;
    if (plugin_detached) {
        child_exec(num, num == NR_EXECVEAT ? a2 : a1);
        return;
    }
    emit_syscall(vcpu, num, args);
    switch (num) {
    case NR_OPEN:
        send_string(vcpu, num, 0, a1);
        break;
    case NR_OPENAT:
        send_string(vcpu, num, 1, a2);
        break;
    case NR_EXECVE:
        send_string(vcpu, num, 0, a1);
        send_argv(vcpu, num, 1, a2);
        break;
    case NR_EXECVEAT:
        send_string(vcpu, num, 1, a2);
        send_argv(vcpu, num, 2, a3);
        break;
    case NR_RT_SIGACTION:
        send_memory(vcpu, num, 1, a2, SIGACTION_BYTES);
        break;
    default:
        break;
    }
}

void on_syscall_return(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, int64_t ret)
{
    (void)id;
    if (vcpu >= MAX_VCPUS)
        return;
    if ((num == NR_CLONE || num == NR_FORK || num == NR_VFORK) && ret == 0 &&
        getpid() != plugin_pid) {
        plugin_leave_stream();
        return;
    }
    if (plugin_detached) {
        if ((num == NR_EXECVE || num == NR_EXECVEAT) && ret < 0)
            emit_child_exec(NULL);
        return;
    }
    emit_sysret(vcpu, num, ret);
}
