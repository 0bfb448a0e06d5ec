#include "engine/shadow_mirror.h"
#include "engine/engine.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SYS_MMAP = 9, SYS_MUNMAP = 11 };
enum { PROT_NONE_AT_ALL = 0, PROT_READ_ONLY = 1, MAP_PRIVATE_ANON_NOREPLACE = 0x02 | 0x20 | 0x100000 };
enum { GUARD = 4096 };

void shadow_mirror_init(shadow_mirror *m)
{
    memset(m, 0, sizeof *m);
    m->mem_fd = -1;
}

void shadow_mirror_free(shadow_mirror *m)
{
    if (m->mem_fd >= 0)
        close(m->mem_fd);
    free(m->mapped);
    shadow_mirror_init(m);
}

void shadow_mirror_observed(engine *e)
{
    e->mirror.observed = true;
}

/* The model's regions now; NULL with *n = 0 when there are none. */
static cet_shadow_region *model_regions(engine *e, size_t *n, uint64_t *generation)
{
    *n = cet_model_shadow_regions(e->model, NULL, 0, generation);
    if (*n == 0)
        return NULL;
    cet_shadow_region *r = calloc(*n, sizeof *r);
    if (r)
        cet_model_shadow_regions(e->model, r, *n, generation);
    return r;
}

static bool model_has(const cet_shadow_region *r, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].id == id)
            return true;
    return false;
}

static mirrored_region *mapped_by_id(shadow_mirror *m, uint64_t id)
{
    for (size_t i = 0; i < m->nmapped; i++)
        if (m->mapped[i].id == id)
            return &m->mapped[i];
    return NULL;
}

static int remember(engine *e, const cet_shadow_region *r, bool real)
{
    shadow_mirror *m = &e->mirror;
    if (m->nmapped == m->capmapped) {
        size_t cap = m->capmapped ? m->capmapped * 2 : 8;
        mirrored_region *g = realloc(m->mapped, cap * sizeof *g);
        if (!g)
            return engine_fail(e, "out of memory");
        m->mapped = g;
        m->capmapped = cap;
    }
    m->mapped[m->nmapped++] = (mirrored_region){r->id, r->base, real ? r->size : 0, false};
    return 0;
}

/* The kernel keeps a page below every shadow stack free of other mappings (its guard
 * gap).  QEMU's allocator does not know of it, so a PROT_NONE page holds the place;
 * if something is there already, the stack goes without (as with a hint the kernel
 * honours regardless of the gap). */
static int map_guard(engine *e, mirrored_region *r)
{
    uint64_t args[6] = {r->base - GUARD, GUARD, PROT_NONE_AT_ALL, MAP_PRIVATE_ANON_NOREPLACE,
                        (uint64_t)-1, 0};
    int64_t got;
    if (engine_guest_syscall(e, SYS_MMAP, args, &got) < 0)
        return -1;
    if ((uint64_t)got == r->base - GUARD) {
        r->guarded = true;
        return 0;
    }
    if (got > 0 || got <= -4096) {
        uint64_t undo[6] = {(uint64_t)got, GUARD, 0, 0, 0, 0};
        if (engine_guest_syscall(e, SYS_MUNMAP, undo, &got) < 0)
            return -1;
    }
    return 0;
}

/* Guest addresses are QEMU's own when QEMU's maps show the new mapping at them. */
static void choose_writer(engine *e, uint64_t base, uint64_t size)
{
    char path[64], line[512], want[64];
    e->mirror.writer = WRITER_STUB;
    if (e->qemu_pid <= 0)
        return;
    snprintf(path, sizeof path, "/proc/%ld/maps", e->qemu_pid);
    snprintf(want, sizeof want, "%08llx-%08llx ", (unsigned long long)base,
             (unsigned long long)(base + size));
    FILE *f = fopen(path, "r");
    bool same = false;
    while (f && !same && fgets(line, sizeof line, f))
        same = strncmp(line, want, strlen(want)) == 0;
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "/proc/%ld/mem", e->qemu_pid);
    if (same && (e->mirror.mem_fd = open(path, O_RDWR | O_CLOEXEC)) >= 0)
        e->mirror.writer = WRITER_PROC_MEM;
    if (e->opt->verbose)
        fprintf(stderr, "cetharness: shadow stacks reach the guest through %s\n",
                e->mirror.writer == WRITER_PROC_MEM ? path : "the stub's M packets");
}

/* 0 done (mapped or given up with a warning), 1 no syscall instruction to borrow yet. */
static int map_region(engine *e, const cet_shadow_region *r)
{
    uint64_t args[6] = {r->base, r->size, PROT_READ_ONLY, MAP_PRIVATE_ANON_NOREPLACE,
                        (uint64_t)-1, 0};
    int64_t got;
    int rc = engine_guest_syscall(e, SYS_MMAP, args, &got);
    if (rc != 0)
        return rc;
    if ((uint64_t)got == r->base) {
        if (e->mirror.writer == WRITER_UNKNOWN)
            choose_writer(e, r->base, r->size);
        if (remember(e, r, true) != 0)
            return -1;
        return map_guard(e, &e->mirror.mapped[e->mirror.nmapped - 1]);
    }
    if (r->base == e->mirror.hinted_base) {
        /* the guest's own memory is there: map_shadow_stack answers EEXIST, no warning */
        if (got >= 0 || got <= -4096) {
            uint64_t undo[6] = {(uint64_t)got, r->size, 0, 0, 0, 0};
            if (engine_guest_syscall(e, SYS_MUNMAP, undo, &got) < 0)
                return -1;
        }
    } else if (got < 0 && got > -4096) {
        engine_warn(e, "cannot map the shadow stack at 0x%llx into the guest (mmap: error %lld): "
                       "the guest's loads from it fault", (unsigned long long)r->base, (long long)-got);
    } else {
        uint64_t undo[6] = {(uint64_t)got, r->size, 0, 0, 0, 0};
        engine_warn(e, "cannot map the shadow stack at 0x%llx into the guest (QEMU placed it at "
                       "0x%llx): the guest's loads from it fault",
                    (unsigned long long)r->base, (unsigned long long)got);
        if (engine_guest_syscall(e, SYS_MUNMAP, undo, &got) < 0)
            return -1;
    }
    return remember(e, r, false);
}

static int unmap_gone(engine *e, const cet_shadow_region *regions, size_t n)
{
    shadow_mirror *m = &e->mirror;
    for (size_t i = m->nmapped; i-- > 0;) {
        if (model_has(regions, n, m->mapped[i].id))
            continue;
        int64_t got;
        uint64_t guard = m->mapped[i].guarded ? GUARD : 0;
        uint64_t args[6] = {m->mapped[i].base - guard, m->mapped[i].size + guard, 0, 0, 0, 0};
        if (m->mapped[i].size && engine_guest_syscall(e, SYS_MUNMAP, args, &got) < 0)
            return -1;
        m->mapped[i] = m->mapped[--m->nmapped];
    }
    return 0;
}

static int match_regions(engine *e)
{
    size_t n;
    uint64_t generation;
    cet_shadow_region *regions = model_regions(e, &n, &generation);
    if (n && !regions)
        return engine_fail(e, "out of memory");
    int rc = unmap_gone(e, regions, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!mapped_by_id(&e->mirror, regions[i].id))
            rc = map_region(e, &regions[i]);
    free(regions);
    if (rc == 1 && !e->mirror.warned_no_gadget) {
        e->mirror.warned_no_gadget = true;
        engine_warn(e, "no syscall instruction known yet to map shadow stacks into the guest: "
                       "they appear at the guest's first system call");
    }
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    e->mirror.generation = generation;
    e->mirror.in_step = true;
    return 0;
}

int shadow_mirror_sync(engine *e)
{
    uint64_t generation;
    if (e->conf.on)
        return 0;
    cet_model_shadow_regions(e->model, NULL, 0, &generation);
    if ((!e->mirror.in_step || generation != e->mirror.generation) && match_regions(e) != 0)
        return -1;
    return shadow_mirror_drain(e);
}

static const mirrored_region *mapped_at(const shadow_mirror *m, uint64_t addr)
{
    for (size_t i = 0; i < m->nmapped; i++)
        if (m->mapped[i].size && addr - m->mapped[i].base < m->mapped[i].size)
            return &m->mapped[i];
    return NULL;
}

static int write_range(void *ctx, uint64_t addr, const uint64_t *words, size_t count)
{
    engine *e = ctx;
    shadow_mirror *m = &e->mirror;
    size_t len = count * sizeof *words;
    if (!mapped_at(m, addr) || m->writer == WRITER_NONE)
        return 0;
    if (m->writer == WRITER_PROC_MEM && pwrite(m->mem_fd, words, len, (off_t)addr) == (ssize_t)len)
        return 0;
    if (rsp_write_memory(e->rsp, addr, words, len) == RSP_OK)
        return 0;
    m->writer = WRITER_NONE;
    engine_warn(e, "cannot write shadow-stack memory into the guest at 0x%llx (%s): the guest's "
                   "loads from shadow stacks see stale values from here on",
                (unsigned long long)addr, rsp_error(e->rsp));
    return 0;
}

int shadow_mirror_drain(engine *e)
{
    shadow_mirror *m = &e->mirror;
    uint64_t generation;
    if (!m->observed || !m->in_step || e->conf.on)
        return 0;
    cet_model_shadow_regions(e->model, NULL, 0, &generation);
    if (generation != m->generation)
        return 0;    /* a region is not mapped yet: its writes wait for the next sync */
    return cet_model_drain_shadow_writes(e->model, write_range, e);
}

int shadow_mirror_forget_removed(engine *e)
{
    size_t n;
    uint64_t generation;
    cet_shadow_region *regions = model_regions(e, &n, &generation);
    shadow_mirror *m = &e->mirror;
    int64_t got;
    for (size_t i = m->nmapped; i-- > 0;) {
        if (model_has(regions, n, m->mapped[i].id))
            continue;
        uint64_t guard[6] = {m->mapped[i].base - GUARD, GUARD, 0, 0, 0, 0};
        /* The program unmapped the stack, not the page that kept its gap. */
        int rc = m->mapped[i].guarded ? engine_guest_syscall(e, SYS_MUNMAP, guard, &got) : 0;
        m->mapped[i] = m->mapped[--m->nmapped];
        if (rc < 0) {
            free(regions);
            return -1;
        }
    }
    free(regions);
    return 0;
}

bool shadow_mirror_refused(const engine *e, uint64_t base)
{
    const shadow_mirror *m = &e->mirror;
    for (size_t i = 0; i < m->nmapped; i++)
        if (m->mapped[i].base == base && m->mapped[i].size == 0)
            return true;
    return false;
}
