#include "guest/module_map.h"

#include "guest/elf_facts.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FACTS_UNREAD, FACTS_READ, FACTS_UNREADABLE };

struct module_file {
    char *path;
    int state;
    elf_facts facts;
};

void module_map_init(module_map *m)
{
    memset(m, 0, sizeof *m);
}

void module_map_free(module_map *m)
{
    for (size_t i = 0; i < m->nfiles; i++) {
        if (m->files[i].state == FACTS_READ)
            elf_facts_free(&m->files[i].facts);
        free(m->files[i].path);
    }
    free(m->files);
    free(m->mappings);
    memset(m, 0, sizeof *m);
}

/* Room for one more element in an array of n with capacity *cap; NULL if memory ran out. */
static void *room_for_one(void *items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return items;
    size_t grown = *cap ? *cap * 2 : 16;
    void *p = realloc(items, grown * size);
    if (p)
        *cap = grown;
    return p;
}

static int file_index(module_map *m, const char *path, size_t *index)
{
    for (size_t i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i].path, path) == 0) {
            *index = i;
            return 0;
        }
    struct module_file *files = room_for_one(m->files, &m->capfiles, m->nfiles, sizeof *files);
    if (!files)
        return -1;
    m->files = files;
    char *copy = strdup(path);
    if (!copy)
        return -1;
    m->files[m->nfiles] = (struct module_file){.path = copy, .state = FACTS_UNREAD};
    *index = m->nfiles++;
    return 0;
}

int module_map_add(module_map *m, uint64_t start, uint64_t len, uint64_t file_offset,
                   const char *path)
{
    size_t file;
    if (len == 0 || !path || !*path)
        return 0;
    if (file_index(m, path, &file) != 0)
        return -1;
    module_mapping *maps = room_for_one(m->mappings, &m->capmappings, m->nmappings, sizeof *maps);
    if (!maps)
        return -1;
    m->mappings = maps;
    m->mappings[m->nmappings++] = (module_mapping){start, start + len, file_offset, file};
    return 0;
}

/* The newest mapping that holds addr: a later mmap over the same range replaces it. */
static const module_mapping *mapping_at(const module_map *m, uint64_t addr)
{
    for (size_t i = m->nmappings; i-- > 0;)
        if (addr >= m->mappings[i].start && addr < m->mappings[i].end)
            return &m->mappings[i];
    return NULL;
}

/* Where the file's start was mapped: ld.so maps a library whole at offset 0 first,
 * then its segments over that at base + p_vaddr. */
static uint64_t load_base(const module_map *m, const module_mapping *hit, uint64_t addr)
{
    for (size_t i = m->nmappings; i-- > 0;) {
        const module_mapping *p = &m->mappings[i];
        if (p->file == hit->file && p->file_offset == 0 && p->start <= addr)
            return p->start;
    }
    return hit->start - hit->file_offset;
}

/* A shared object's first PT_LOAD is at vaddr 0 unless it was prelinked. */
static uint64_t lowest_page(const elf_facts *f)
{
    uint64_t low = UINT64_MAX;
    for (size_t i = 0; i < f->nsegments; i++)
        if (f->segments[i].vaddr < low)
            low = f->segments[i].vaddr;
    return low == UINT64_MAX ? 0 : low & ~(uint64_t)0xfff;
}

static const elf_facts *facts_of(struct module_file *f)
{
    if (f->state == FACTS_UNREAD) {
        char err[512];
        f->state = elf_facts_load(f->path, &f->facts, err, sizeof err) == 0 ? FACTS_READ
                                                                             : FACTS_UNREADABLE;
    }
    return f->state == FACTS_READ ? &f->facts : NULL;
}

const char *module_map_symbolize(const module_map *m, uint64_t addr, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    const module_mapping *hit = mapping_at(m, addr);
    if (!hit)
        return buf;
    struct module_file *f = &m->files[hit->file];
    const char *name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
    uint64_t base = load_base(m, hit, addr);
    const elf_facts *facts = facts_of(f);
    char sym[256] = "";
    if (facts)
        elf_symbolize(facts, facts->is_pie ? base - lowest_page(facts) : 0, addr, sym, sizeof sym);
    if (sym[0])
        snprintf(buf, cap, "%s in %s", sym, name);
    else
        snprintf(buf, cap, "%s+0x%" PRIx64, name, addr - base);
    return buf;
}
