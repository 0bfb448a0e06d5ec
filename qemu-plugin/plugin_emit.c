/* Writing records into the shared ring (stream_format.h): reserve, fill everything
 * but the first word, commit. */
#include "plugin_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *reserve_even_detached(uint32_t size)
{
    if (!plugin_ring.hdr)
        return NULL;
    cs_hdr *h = cs_ring_reserve(&plugin_ring, size);
    if (h)
        h->size = size;
    return h;
}

static void *reserve(uint32_t size)
{
    return plugin_detached ? NULL : reserve_even_detached(size);
}

void emit_small(cs_type type, unsigned flags, unsigned vcpu, uint32_t a, uint32_t b)
{
    cs_small *r = reserve(sizeof *r);
    if (!r)
        return;
    r->a = a;
    r->b = b;
    cs_ring_commit(r, CS_WORD(type, flags, vcpu));
}

void emit_tb(uint64_t pc, uint32_t id, const uint8_t *lens, unsigned ninsns,
             const uint8_t *bytes, unsigned nbytes)
{
    uint32_t size = CS_ALIGN8(sizeof(cs_tb) + ninsns + nbytes);
    if (size > CS_RECORD_MAX) {
        emit_note("a block at 0x%llx is too large to send (%u instructions)",
                  (unsigned long long)pc, ninsns);
        return;
    }
    cs_tb *r = reserve(size);
    if (!r)
        return;
    uint8_t *p = (uint8_t *)(r + 1);
    r->pc = pc;
    r->id = id;
    r->ninsns = (uint16_t)ninsns;
    r->nbytes = (uint16_t)nbytes;
    memcpy(p, lens, ninsns);
    memcpy(p + ninsns, bytes, nbytes);
    memset(p + ninsns + nbytes, 0, size - sizeof *r - ninsns - nbytes);
    cs_ring_commit(r, CS_WORD(CS_TB, 0, 0));
}

void emit_syscall(unsigned vcpu, int64_t num, const uint64_t args[6])
{
    cs_syscall *r = reserve(sizeof *r);
    if (!r)
        return;
    r->num = num;
    memcpy(r->args, args, sizeof r->args);
    cs_ring_commit(r, CS_WORD(CS_SYSCALL, 0, vcpu));
}

void emit_sysret(unsigned vcpu, int64_t num, int64_t ret)
{
    cs_sysret *r = reserve(sizeof *r);
    if (!r)
        return;
    r->num = num;
    r->ret = ret;
    cs_ring_commit(r, CS_WORD(CS_SYSRET, 0, vcpu));
}

void emit_sysmem(unsigned vcpu, int64_t num, unsigned arg, unsigned flags, const void *data,
                 uint32_t len)
{
    uint32_t size = CS_ALIGN8((uint32_t)sizeof(cs_sysmem) + len);
    cs_sysmem *r = size <= CS_RECORD_MAX ? reserve(size) : NULL;
    if (!r)
        return;
    uint8_t *p = (uint8_t *)(r + 1);
    r->num = num;
    r->arg = arg;
    r->len = len;
    memcpy(p, data, len);
    memset(p + len, 0, size - sizeof *r - len);
    cs_ring_commit(r, CS_WORD(CS_SYSMEM, flags, vcpu));
}

void emit_note(const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    uint32_t len = (uint32_t)strlen(text) + 1;
    uint32_t size = CS_ALIGN8((uint32_t)sizeof(cs_hdr) + len);
    cs_hdr *r = reserve(size);
    if (!r)
        return;
    memcpy(r + 1, text, len);
    memset((uint8_t *)(r + 1) + len, 0, size - sizeof *r - len);
    cs_ring_commit(r, CS_WORD(CS_NOTE, 0, 0));
}

void emit_layout(uint64_t start_code, uint64_t entry)
{
    cs_layout *r = reserve(sizeof *r);
    if (!r)
        return;
    r->start_code = start_code;
    r->entry = entry;
    cs_ring_commit(r, CS_WORD(CS_LAYOUT, 0, 0));
}

void emit_child_exec(const char *path)
{
    uint32_t len = path ? (uint32_t)strlen(path) + 1 : 0;
    uint32_t size = CS_ALIGN8((uint32_t)sizeof(cs_child_exec) + len);
    cs_child_exec *r = size <= CS_RECORD_MAX ? reserve_even_detached(size) : NULL;
    if (!r)
        return;
    uint8_t *p = (uint8_t *)(r + 1);
    r->pid = (uint32_t)getpid();
    r->len = len;
    memcpy(p, path ? path : "", len);
    memset(p + len, 0, size - sizeof *r - len);
    cs_ring_commit(r, CS_WORD(CS_CHILD_EXEC, path ? 0 : CS_CHILD_EXEC_FAILED, 0));
}
