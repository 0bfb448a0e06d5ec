/* Walks ELF notes and the property array inside NT_GNU_PROPERTY_TYPE_0 notes.
 * Layout (ELF64): note header namesz/descsz/type (4 bytes each), name padded to the
 * note alignment, then desc = a sequence of { pr_type u32, pr_datasz u32, data }
 * where each data is padded to 8 bytes. */
#include "guest/elf_gnu_property.h"

#include <stdbool.h>
#include <string.h>

enum { NT_GNU_PROPERTY_TYPE_0_ = 5, NOTE_HEADER = 12, PROP_HEADER = 8 };

static uint32_t load_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);    /* host and file are both little-endian */
    return v;
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

/* Scans one property array; the last X86_FEATURE_1_AND wins (there should be one). */
static int scan_properties(const unsigned char *desc, size_t len, uint32_t *features)
{
    int found = 0;
    size_t off = 0;
    while (off < len) {
        if (len - off < PROP_HEADER)
            return -1;
        uint32_t type = load_u32(desc + off);
        uint32_t datasz = load_u32(desc + off + 4);
        off += PROP_HEADER;
        if (datasz > len - off)
            return -1;
        if (type == GNU_PROP_X86_FEATURE_1_AND) {
            if (datasz != 4)
                return -1;
            *features = load_u32(desc + off);
            found = 1;
        }
        off = align_up(off + datasz, 8);
    }
    return found;
}

static bool is_gnu_owner(const unsigned char *name, uint32_t namesz)
{
    return namesz == 4 && memcmp(name, "GNU", 4) == 0;
}

int gnu_property_x86_features(const unsigned char *notes, size_t len, size_t align,
                              uint32_t *features)
{
    if (align != 4 && align != 8)
        align = 8;
    int found = 0;
    size_t off = 0;
    while (off < len) {
        if (len - off < NOTE_HEADER)
            return -1;
        uint32_t namesz = load_u32(notes + off);
        uint32_t descsz = load_u32(notes + off + 4);
        uint32_t type = load_u32(notes + off + 8);
        size_t name_off = off + NOTE_HEADER;
        if (namesz > len - name_off)
            return -1;
        size_t desc_off = align_up(name_off + namesz, align);
        if (desc_off > len || descsz > len - desc_off)
            return -1;
        if (type == NT_GNU_PROPERTY_TYPE_0_ && is_gnu_owner(notes + name_off, namesz)) {
            int r = scan_properties(notes + desc_off, descsz, features);
            if (r < 0)
                return -1;
            found |= r;
        }
        off = align_up(desc_off + descsz, align);
    }
    return found;
}
