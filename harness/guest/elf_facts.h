/* The guest-files layer: what the harness needs to know about the guest program's
 * ELF file (this header), its GNU property notes (elf_gnu_property.h) and the files
 * it maps at run time (module_map.h), for symbols in reports and for --ibt/--shstk=auto.
 * Owns: reading ELF files with libelf.  May call: libc, libelf and util/. */
#ifndef HARNESS_ELF_FACTS_H
#define HARNESS_ELF_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct elf_symbol {
    uint64_t addr;       /* link-time value (add load_bias for PIE) */
    uint64_t size;
    char *name;
    bool is_func;
} elf_symbol;

typedef struct elf_segment {
    uint64_t vaddr, memsz;   /* link-time */
    bool exec, write;
} elf_segment;

typedef struct elf_facts {
    char *path;
    bool is_pie;             /* ET_DYN */
    uint64_t entry;          /* link-time e_entry */
    bool has_interp;         /* PT_INTERP present (dynamically linked) */
    char *interp;            /* its path, or NULL */
    char *interp_file;       /* the file QEMU loads for it: interp, or its copy under QEMU's
                                -L (elf_facts_set_sysroot, guest/sysroot.h); NULL with interp */
    bool prop_ibt;           /* GNU_PROPERTY_X86_FEATURE_1_AND has IBT */
    bool prop_shstk;         /* ... has SHSTK */
    elf_segment *segments; size_t nsegments;   /* PT_LOAD */
    elf_symbol *symbols; size_t nsymbols;      /* sorted by addr; .symtab, else .dynsym */
} elf_facts;

/* Load facts.  On failure returns -1 and writes a one-line message naming the file
 * and the problem into err: "prog: no such file", "prog: not an ELF file",
 * "prog: 32-bit ELF; cetharness runs x86-64 programs only",
 * "prog: ELF for machine ARM, not x86-64", ... */
int elf_facts_load(const char *path, elf_facts *out, char *err, size_t errlen);
void elf_facts_free(elf_facts *f);

/* "name+0x4" / "name" for addr - bias, or "" when no symbol covers it
 * (a symbol of size 0 covers up to the next symbol).  Writes into buf. */
const char *elf_symbolize(const elf_facts *f, uint64_t bias, uint64_t addr, char *buf, size_t cap);
/* Address (link-time) of a symbol by name; false if absent. */
bool elf_lookup(const elf_facts *f, const char *name, uint64_t *addr);

#endif
