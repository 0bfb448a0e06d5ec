/* Where the program and its loader are: the code cache learns their segments, the
 * module map their names, before the first instruction runs. */
#include "engine/engine.h"
#include "engine/engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* Where the program and its interpreter were loaded: AT_ENTRY and AT_BASE of auxv. */
static void read_auxv(engine *e, uint64_t *at_entry, uint64_t *at_base)
{
    char *data = NULL;
    size_t len = 0;
    *at_entry = *at_base = 0;
    if (rsp_read_xfer(e->rsp, "auxv", "", &data, &len) != RSP_OK) {
        free(data);
        return;
    }
    for (size_t off = 0; off + 16 <= len; off += 16) {
        uint64_t type, value;
        memcpy(&type, data + off, 8);
        memcpy(&value, data + off + 8, 8);
        if (type == 9)
            *at_entry = value;
        else if (type == 7)
            *at_base = value;
    }
    free(data);
}

static void map_segments(engine *e, const elf_facts *f, uint64_t bias)
{
    for (size_t i = 0; i < f->nsegments; i++) {
        const elf_segment *s = &f->segments[i];
        code_cache_set_range(&e->code, s->vaddr + bias, s->vaddr + bias + s->memsz, s->exec, s->write);
    }
}

/* The program's and the loader's segments are known before the first instruction;
 * everything mapped later is learnt from mmap/mprotect. */
void engine_learn_layout(engine *e)
{
    uint64_t at_entry, at_base;
    read_auxv(e, &at_entry, &at_base);
    e->out.load_bias = e->out.elf->is_pie && at_entry ? at_entry - e->out.elf->entry : 0;
    map_segments(e, e->out.elf, e->out.load_bias);
    if (!e->out.elf->has_interp || !at_base)
        return;
    elf_facts interp;
    char err[512];
    if (elf_facts_load(e->out.elf->interp_file, &interp, err, sizeof err) != 0) {
        engine_warn(e, "cannot read the program interpreter: %s", err);
        return;
    }
    map_segments(e, &interp, at_base);
    uint64_t end = 0;
    for (size_t i = 0; i < interp.nsegments; i++)
        if (interp.segments[i].vaddr + interp.segments[i].memsz > end)
            end = interp.segments[i].vaddr + interp.segments[i].memsz;
    if (module_map_add(&e->out.modules, at_base, end, 0, e->out.elf->interp_file) != 0)
        engine_warn(e, "out of memory naming the program interpreter");
    elf_facts_free(&interp);
}

