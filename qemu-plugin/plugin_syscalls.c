/* System calls: every call with its six arguments, every return, and for the few calls
 * whose meaning is in memory (a path, execve's argv, a struct sigaction) that memory,
 * read while the calling thread is inside the call, so it is what the kernel sees.  A
 * fork's child leaves the stream at its first return (it would otherwise write into its
 * parent's). */
#include "plugin_state.h"

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

/* A NUL-terminated string at addr, a page at a time (the next may not be mapped). */
static void send_string(unsigned vcpu, int64_t num, unsigned arg, uint64_t addr)
{
    char text[PATH_BYTES];
    size_t got = 0;
    while (got < sizeof text) {
        size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
        if (chunk > sizeof text - got)
            chunk = sizeof text - got;
        if (!read_guest(addr + got, text + got, chunk))
            return;
        const char *nul = memchr(text + got, '\0', chunk);
        if (nul) {
            emit_sysmem(vcpu, num, arg, CS_MEM_STRING, text, (uint32_t)(nul - text + 1));
            return;
        }
        got += chunk;
    }
    emit_sysmem(vcpu, num, arg, CS_MEM_STRING | CS_MEM_TRUNCATED, text, (uint32_t)got);
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
    emit_sysret(vcpu, num, ret);
}
