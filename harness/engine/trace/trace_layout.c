/* Where QEMU placed the program and its loader, for naming addresses: start_code (the
 * program's first executable segment) and entry (the loader's entry point for a
 * dynamically linked program), from the lines -d page writes before the first
 * instruction, or from the plugin. */
#include "engine/trace/trace_state.h"
#include "guest/elf_facts.h"

#include <stdlib.h>
#include <string.h>

static bool value_of(const char *line, const char *key, uint64_t *value)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
        return false;
    char *end;
    *value = strtoull(line + n, &end, 16);
    return end != line + n;
}

static uint64_t first_exec_vaddr(const elf_facts *f)
{
    for (size_t i = 0; i < f->nsegments; i++)
        if (f->segments[i].exec)
            return f->segments[i].vaddr;
    return 0;
}

void trace_place_program(trace_state *s, uint64_t start_code)
{
    const elf_facts *elf = s->out->elf;
    if (elf && elf->is_pie)
        s->out->load_bias = start_code - first_exec_vaddr(elf);
}

void trace_place_loader(trace_state *s, uint64_t entry)
{
    const elf_facts *elf = s->out->elf;
    elf_facts interp;
    char err[512];
    if (!elf || !elf->has_interp || !elf->interp_file ||
        elf_facts_load(elf->interp_file, &interp, err, sizeof err) != 0)
        return;
    uint64_t base = entry - interp.entry, end = 0;
    for (size_t i = 0; i < interp.nsegments; i++)
        if (interp.segments[i].vaddr + interp.segments[i].memsz > end)
            end = interp.segments[i].vaddr + interp.segments[i].memsz;
    if (module_map_add(&s->out->modules, base, end, 0, elf->interp_file) != 0)
        run_outcome_warn(s->out, "out of memory naming the program interpreter");
    elf_facts_free(&interp);
}

void trace_on_other(trace_state *s, const char *line)
{
    uint64_t value;
    if (value_of(line, "start_code", &value))
        trace_place_program(s, value);
    else if (value_of(line, "entry", &value))
        trace_place_loader(s, value);
}
