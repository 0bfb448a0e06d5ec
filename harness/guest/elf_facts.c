/* Reads the guest program's ELF file: type, entry, interpreter, loadable segments,
 * the CET marking (GNU property note) and the symbol table. */
#include "guest/elf_facts.h"
#include "util/error_text.h"
#include "guest/elf_gnu_property.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY 0x6474e553
#endif


/* ---- what kind of file is it ---------------------------------------------------- */

static const struct machine_name {
    unsigned number;
    const char *macro, *name;
} machine_names[] = {
    {2, "EM_SPARC", "SPARC"},       {3, "EM_386", "i386"},
    {4, "EM_68K", "m68k"},          {8, "EM_MIPS", "MIPS"},
    {20, "EM_PPC", "PowerPC"},      {21, "EM_PPC64", "PowerPC64"},
    {22, "EM_S390", "S/390"},       {40, "EM_ARM", "ARM"},
    {42, "EM_SH", "SuperH"},        {43, "EM_SPARCV9", "SPARC V9"},
    {50, "EM_IA_64", "IA-64"},      {183, "EM_AARCH64", "AArch64"},
    {243, "EM_RISCV", "RISC-V"},    {258, "EM_LOONGARCH", "LoongArch"},
};

static int reject_machine(const char *path, unsigned machine, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof machine_names / sizeof machine_names[0]; i++) {
        const struct machine_name *m = &machine_names[i];
        if (m->number == machine) {
            set_err(err, errlen, "%s: ELF for machine %u (%s, %s), not x86-64", path,
                    machine, m->macro, m->name);
            return -1;
        }
    }
    set_err(err, errlen, "%s: ELF for machine %u, not x86-64", path, machine);
    return -1;
}

static int check_type(const char *path, unsigned type, char *err, size_t errlen)
{
    switch (type) {
    case ET_EXEC:
    case ET_DYN:
        return 0;
    case ET_REL:
        set_err(err, errlen, "%s: relocatable object file (ET_REL), not an executable",
                path);
        return -1;
    case ET_CORE:
        set_err(err, errlen, "%s: core dump (ET_CORE), not an executable", path);
        return -1;
    default:
        set_err(err, errlen, "%s: ELF type %u, not an executable", path, type);
        return -1;
    }
}

/* The identification bytes are checked by hand so that each kind of wrong file
 * gets its own message before libelf is involved. */
static int check_ident(const char *path, int fd, char *err, size_t errlen)
{
    unsigned char ident[EI_NIDENT];
    ssize_t n = pread(fd, ident, sizeof ident, 0);
    if (n < 0) {
        set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    if (n < (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0) {
        set_err(err, errlen, "%s: not an ELF file", path);
        return -1;
    }
    if (ident[EI_CLASS] == ELFCLASS32) {
        set_err(err, errlen, "%s: 32-bit ELF; cetharness runs x86-64 programs only", path);
        return -1;
    }
    if (ident[EI_CLASS] != ELFCLASS64) {
        set_err(err, errlen, "%s: ELF of unknown class %u", path, ident[EI_CLASS]);
        return -1;
    }
    return 0;
}

static int check_header(const char *path, Elf *elf, GElf_Ehdr *eh, char *err, size_t errlen)
{
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, eh)) {
        set_err(err, errlen, "%s: damaged ELF header (%s)", path, elf_errmsg(-1));
        return -1;
    }
    if (eh->e_machine != EM_X86_64)
        return reject_machine(path, eh->e_machine, err, errlen);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        set_err(err, errlen, "%s: big-endian x86-64 ELF, not a valid program", path);
        return -1;
    }
    return check_type(path, eh->e_type, err, errlen);
}

static int open_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            set_err(err, errlen, "%s: no such file", path);
        else
            set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        set_err(err, errlen, "%s: is a directory, not a program", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- program headers -------------------------------------------------------- */

typedef struct raw_image {
    const unsigned char *bytes;
    size_t size;
} raw_image;

static const unsigned char *raw_range(const raw_image *img, uint64_t off, uint64_t len)
{
    if (off > img->size || len > img->size - off)
        return NULL;
    return img->bytes + off;
}

static int read_interp(const char *path, const raw_image *img, const GElf_Phdr *ph,
                       elf_facts *f, char *err, size_t errlen)
{
    const unsigned char *s = raw_range(img, ph->p_offset, ph->p_filesz);
    if (!s || ph->p_filesz == 0) {
        set_err(err, errlen, "%s: PT_INTERP lies outside the file", path);
        return -1;
    }
    f->interp = strndup((const char *)s, ph->p_filesz);
    f->interp_file = f->interp ? strdup(f->interp) : NULL;
    f->has_interp = f->interp != NULL;
    return f->interp && f->interp_file ? 0 : -1;
}

static void apply_property(elf_facts *f, const unsigned char *notes, size_t len,
                           size_t align)
{
    uint32_t features = 0;
    /* A malformed note marks nothing, like a missing one. */
    if (gnu_property_x86_features(notes, len, align, &features) != 1)
        return;
    f->prop_ibt = (features & GNU_PROP_X86_FEATURE_1_IBT) != 0;
    f->prop_shstk = (features & GNU_PROP_X86_FEATURE_1_SHSTK) != 0;
}

static int add_segment(elf_facts *f, const GElf_Phdr *ph)
{
    elf_segment *grown = realloc(f->segments, (f->nsegments + 1) * sizeof *grown);
    if (!grown)
        return -1;
    f->segments = grown;
    grown[f->nsegments++] = (elf_segment){
        .vaddr = ph->p_vaddr, .memsz = ph->p_memsz,
        .exec = (ph->p_flags & PF_X) != 0, .write = (ph->p_flags & PF_W) != 0,
    };
    return 0;
}

/* Returns 1 when a PT_GNU_PROPERTY segment was seen. */
static int read_program_headers(const char *path, Elf *elf, const raw_image *img,
                                elf_facts *f, char *err, size_t errlen)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0) {
        set_err(err, errlen, "%s: damaged program headers (%s)", path, elf_errmsg(-1));
        return -1;
    }
    int saw_property = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            set_err(err, errlen, "%s: damaged program header %zu", path, i);
            return -1;
        }
        if (ph.p_type == PT_LOAD && add_segment(f, &ph) != 0) {
            set_err(err, errlen, "%s: out of memory", path);
            return -1;
        }
        if (ph.p_type == PT_INTERP && read_interp(path, img, &ph, f, err, errlen) != 0)
            return -1;
        if (ph.p_type == PT_GNU_PROPERTY) {
            const unsigned char *notes = raw_range(img, ph.p_offset, ph.p_filesz);
            if (notes)
                apply_property(f, notes, ph.p_filesz, ph.p_align);
            saw_property = 1;
        }
    }
    return saw_property;
}

/* ---- sections: property note fallback and symbols --------------------------- */

static Elf_Scn *find_section(Elf *elf, const char *name, unsigned type, GElf_Shdr *sh)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (!gelf_getshdr(scn, sh) || sh->sh_type != type)
            continue;
        const char *sname = elf_strptr(elf, shstrndx, sh->sh_name);
        if (!name || (sname && strcmp(sname, name) == 0))
            return scn;
    }
    return NULL;
}

static void read_property_section(Elf *elf, const raw_image *img, elf_facts *f)
{
    GElf_Shdr sh;
    if (!find_section(elf, ".note.gnu.property", SHT_NOTE, &sh))
        return;
    const unsigned char *notes = raw_range(img, sh.sh_offset, sh.sh_size);
    if (notes)
        apply_property(f, notes, sh.sh_size, sh.sh_addralign);
}

static bool wanted_symbol(const GElf_Sym *s, const char *name)
{
    int type = GELF_ST_TYPE(s->st_info);
    if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
        return false;
    /* Undefined imports have no address.  Absolute ones are mostly numbers (NASM
     * "equ"), but a global one can name code made at run time (a JIT's fixed address). */
    if (s->st_shndx == SHN_UNDEF)
        return false;
    if (s->st_shndx == SHN_ABS && GELF_ST_BIND(s->st_info) != STB_GLOBAL)
        return false;
    return name && name[0] != '\0';
}

static int add_symbol(elf_facts *f, const GElf_Sym *s, const char *name, size_t *cap)
{
    if (f->nsymbols == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        elf_symbol *grown = realloc(f->symbols, ncap * sizeof *grown);
        if (!grown)
            return -1;
        f->symbols = grown;
        *cap = ncap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    int type = GELF_ST_TYPE(s->st_info);
    f->symbols[f->nsymbols++] = (elf_symbol){
        .addr = s->st_value, .size = s->st_size, .name = copy,
        .is_func = type == STT_FUNC || type == STT_GNU_IFUNC,
    };
    return 0;
}

/* Order: address, then functions before other symbols, then name (for stable output). */
static int symbol_order(const void *a, const void *b)
{
    const elf_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->is_func != y->is_func)
        return x->is_func ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int read_symbols(const char *path, Elf *elf, elf_facts *f, char *err, size_t errlen)
{
    GElf_Shdr sh;
    Elf_Scn *scn = find_section(elf, NULL, SHT_SYMTAB, &sh);
    if (!scn)
        scn = find_section(elf, NULL, SHT_DYNSYM, &sh);
    Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
    if (!data || sh.sh_entsize == 0)
        return 0;    /* stripped: no symbols is not an error */
    size_t count = sh.sh_size / sh.sh_entsize, cap = 0;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym s;
        if (!gelf_getsym(data, (int)i, &s))
            break;
        const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
        if (wanted_symbol(&s, name) && add_symbol(f, &s, name, &cap) != 0) {
            set_err(err, errlen, "%s: out of memory", path);
            return -1;
        }
    }
    if (f->nsymbols > 1)
        qsort(f->symbols, f->nsymbols, sizeof *f->symbols, symbol_order);
    return 0;
}

/* ---- load / free ------------------------------------------------------------ */

static int read_facts(const char *path, Elf *elf, elf_facts *f, char *err, size_t errlen)
{
    GElf_Ehdr eh;
    if (check_header(path, elf, &eh, err, errlen) != 0)
        return -1;
    f->is_pie = eh.e_type == ET_DYN;
    f->entry = eh.e_entry;
    raw_image img = {0};
    img.bytes = (const unsigned char *)elf_rawfile(elf, &img.size);
    if (!img.bytes) {
        set_err(err, errlen, "%s: cannot read: %s", path, elf_errmsg(-1));
        return -1;
    }
    int saw_property = read_program_headers(path, elf, &img, f, err, errlen);
    if (saw_property < 0)
        return -1;
    if (!saw_property)
        read_property_section(elf, &img, f);
    return read_symbols(path, elf, f, err, errlen);
}

int elf_facts_load(const char *path, elf_facts *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int fd = open_file(path, err, errlen);
    if (fd < 0)
        return -1;
    if (check_ident(path, fd, err, errlen) != 0) {
        close(fd);
        return -1;
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    int rc = -1;
    if (!elf)
        set_err(err, errlen, "%s: cannot read ELF: %s", path, elf_errmsg(-1));
    else if ((out->path = strdup(path)) == NULL)
        set_err(err, errlen, "%s: out of memory", path);
    else
        rc = read_facts(path, elf, out, err, errlen);
    elf_end(elf);
    close(fd);
    if (rc != 0)
        elf_facts_free(out);
    return rc;
}

void elf_facts_free(elf_facts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nsymbols; i++)
        free(f->symbols[i].name);
    free(f->symbols);
    free(f->segments);
    free(f->interp);
    free(f->interp_file);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* ---- symbolize / lookup ----------------------------------------------------- */

/* End of the PT_LOAD segment holding addr, or addr + 1 when none does. */
static uint64_t segment_end(const elf_facts *f, uint64_t addr)
{
    for (size_t i = 0; i < f->nsegments; i++) {
        const elf_segment *s = &f->segments[i];
        if (addr >= s->vaddr && addr - s->vaddr < s->memsz)
            return s->vaddr + s->memsz;
    }
    return addr + 1;
}

/* A sized symbol covers its bytes; a size-0 one (a label) runs to the next symbol,
 * but not past the end of its segment. */
static bool covers(const elf_facts *f, const elf_symbol *s, uint64_t a, uint64_t next)
{
    if (a < s->addr)
        return false;
    if (s->size > 0)
        return a - s->addr < s->size;
    return a < next && a < segment_end(f, s->addr);
}

/* Number of symbols with addr <= a. */
static size_t count_at_or_below(const elf_facts *f, uint64_t a)
{
    size_t lo = 0, hi = f->nsymbols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->symbols[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const elf_symbol *covering_symbol(const elf_facts *f, uint64_t a)
{
    size_t end = count_at_or_below(f, a);
    if (end == 0)
        return NULL;
    uint64_t next = end < f->nsymbols ? f->symbols[end].addr : UINT64_MAX;
    size_t first = end - 1;
    while (first > 0 && f->symbols[first - 1].addr == f->symbols[end - 1].addr)
        first--;
    for (size_t i = first; i < end; i++)    /* functions come first in a group */
        if (covers(f, &f->symbols[i], a, next))
            return &f->symbols[i];
    /* Only an earlier sized symbol can still reach a (e.g. a label inside a function). */
    for (size_t i = first; i-- > 0;)
        if (f->symbols[i].size > 0 && a - f->symbols[i].addr < f->symbols[i].size)
            return &f->symbols[i];
    return NULL;
}

const char *elf_symbolize(const elf_facts *f, uint64_t bias, uint64_t addr, char *buf,
                          size_t cap)
{
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    if (!f || addr < bias)
        return buf;
    uint64_t a = addr - bias;
    const elf_symbol *s = covering_symbol(f, a);
    if (!s)
        return buf;
    if (a == s->addr)
        snprintf(buf, cap, "%s", s->name);
    else
        snprintf(buf, cap, "%s+0x%" PRIx64, s->name, a - s->addr);
    return buf;
}

bool elf_lookup(const elf_facts *f, const char *name, uint64_t *addr)
{
    if (!f || !name)
        return false;
    for (size_t i = 0; i < f->nsymbols; i++) {
        if (strcmp(f->symbols[i].name, name) == 0) {
            if (addr)
                *addr = f->symbols[i].addr;
            return true;
        }
    }
    return false;
}
