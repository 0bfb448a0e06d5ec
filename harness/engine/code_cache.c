#include "engine/code_cache.h"

#include <stdlib.h>
#include <string.h>

static uint64_t page_of(uint64_t addr) { return addr & ~(uint64_t)(CODE_PAGE_SIZE - 1); }

void code_cache_init(code_cache *cc, rsp_conn *rsp)
{
    memset(cc, 0, sizeof *cc);
    cc->rsp = rsp;
    addr_map_init(&cc->pages, 256);
    addr_map_init(&cc->insns, 4096);
    cc->generation = 1;
}

static void free_entries(code_cache *cc)
{
    uint64_t k, v;
    for (size_t i = 0; addr_map_next(&cc->pages, &i, &k, &v);)
        free((void *)(uintptr_t)v);
    for (size_t i = 0; addr_map_next(&cc->insns, &i, &k, &v);)
        free((void *)(uintptr_t)v);
}

void code_cache_free(code_cache *cc)
{
    free_entries(cc);
    addr_map_free(&cc->pages);
    addr_map_free(&cc->insns);
    free(cc->ranges);
    memset(cc, 0, sizeof *cc);
}

void code_cache_next_generation(code_cache *cc) { cc->generation++; }

static const code_range *range_of(const code_cache *cc, uint64_t addr)
{
    for (size_t i = cc->nranges; i-- > 0;)
        if (addr >= cc->ranges[i].lo && addr < cc->ranges[i].hi)
            return &cc->ranges[i];
    return NULL;
}

bool code_cache_is_stable(const code_cache *cc, uint64_t addr)
{
    const code_range *r = range_of(cc, addr);
    return r && r->stable;
}

bool code_cache_known_noexec(const code_cache *cc, uint64_t addr)
{
    const code_range *r = range_of(cc, addr);
    return r && !r->exec;
}

void code_cache_forget(code_cache *cc, uint64_t lo, uint64_t hi)
{
    uint64_t k, v;
    for (size_t i = 0; addr_map_next(&cc->pages, &i, &k, &v);)
        if (k + CODE_PAGE_SIZE > lo && k < hi) {
            free((void *)(uintptr_t)v);
            addr_map_remove(&cc->pages, k);
        }
    for (size_t i = 0; addr_map_next(&cc->insns, &i, &k, &v);)
        if (k + 16 > lo && k < hi) {
            free((void *)(uintptr_t)v);
            addr_map_remove(&cc->insns, k);
        }
}

int code_cache_set_range(code_cache *cc, uint64_t lo, uint64_t hi, bool exec, bool write)
{
    bool stable = exec && !write;
    if (cc->nranges == cc->capranges) {
        size_t cap = cc->capranges ? cc->capranges * 2 : 16;
        code_range *r = realloc(cc->ranges, cap * sizeof *r);
        if (!r)
            return -1;
        cc->ranges = r;
        cc->capranges = cap;
    }
    cc->ranges[cc->nranges++] = (code_range){page_of(lo), page_of(hi + CODE_PAGE_SIZE - 1), stable, exec};
    code_cache_forget(cc, page_of(lo), page_of(hi + CODE_PAGE_SIZE - 1));
    return 0;
}

static int fill_page(code_cache *cc, code_page *p)
{
    p->generation = cc->generation;
    p->stable = code_cache_is_stable(cc, p->addr);
    rsp_status st = rsp_read_memory(cc->rsp, p->addr, p->bytes, CODE_PAGE_SIZE);
    p->readable = st == RSP_OK;
    if (st != RSP_OK && st != RSP_ERR_REPLY)
        cc->link_failed = true;
    cc->page_reads++;
    return p->readable ? 0 : -1;
}

const code_page *code_cache_page(code_cache *cc, uint64_t addr)
{
    uint64_t v;
    code_page *p;
    if (addr_map_get(&cc->pages, page_of(addr), &v)) {
        p = (code_page *)(uintptr_t)v;
        if (p->stable || p->generation == cc->generation)
            return p->readable ? p : NULL;
        return fill_page(cc, p) == 0 ? p : NULL;
    }
    p = malloc(sizeof *p);
    if (!p)
        return NULL;
    p->addr = page_of(addr);
    addr_map_put(&cc->pages, p->addr, (uint64_t)(uintptr_t)p);
    return fill_page(cc, p) == 0 ? p : NULL;
}

int code_cache_read(code_cache *cc, uint64_t addr, uint8_t *buf, size_t len)
{
    while (len > 0) {
        const code_page *p = code_cache_page(cc, addr);
        if (!p)
            return -1;
        size_t off = (size_t)(addr - p->addr);
        size_t n = CODE_PAGE_SIZE - off < len ? CODE_PAGE_SIZE - off : len;
        memcpy(buf, p->bytes + off, n);
        buf += n;
        addr += n;
        len -= n;
    }
    return 0;
}

static int decode_fresh(code_cache *cc, uint64_t addr, insn *out)
{
    uint8_t bytes[16];
    size_t avail = sizeof bytes;
    if (code_cache_read(cc, addr, bytes, avail) != 0) {
        /* The instruction may end right before an unreadable page. */
        avail = CODE_PAGE_SIZE - (size_t)(addr & (CODE_PAGE_SIZE - 1));
        if (avail >= sizeof bytes || code_cache_read(cc, addr, bytes, avail) != 0)
            return -1;
    }
    insn_decode(bytes, avail, addr, out);
    return 0;
}

int code_cache_decode(code_cache *cc, uint64_t addr, insn *out)
{
    uint64_t v;
    if (addr_map_get(&cc->insns, addr, &v)) {
        *out = *(const insn *)(uintptr_t)v;
        return 0;
    }
    if (decode_fresh(cc, addr, out) != 0)
        return -1;
    if (code_cache_is_stable(cc, addr)) {
        insn *copy = malloc(sizeof *copy);
        if (copy) {
            *copy = *out;
            addr_map_put(&cc->insns, addr, (uint64_t)(uintptr_t)copy);
        }
    }
    return 0;
}
