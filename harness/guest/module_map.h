/* Which file each part of the guest's address space was mapped from, so that reports
 * can name code outside the program itself: the dynamic loader (known from auxv) and
 * every shared library (learnt from the guest's file-backed mmap calls).  Symbols of
 * a file are read the first time an address in it is symbolised. */
#ifndef HARNESS_MODULE_MAP_H
#define HARNESS_MODULE_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct module_mapping {
    uint64_t start, end;     /* guest addresses [start, end) */
    uint64_t file_offset;    /* of start in the file */
    size_t file;             /* index into module_map.files */
} module_mapping;

struct module_file;

typedef struct module_map {
    module_mapping *mappings; size_t nmappings, capmappings;
    struct module_file *files; size_t nfiles, capfiles;
} module_map;

void module_map_init(module_map *m);
void module_map_free(module_map *m);

/* Record that [start, start+len) holds path from file_offset on.  -1: out of memory. */
int module_map_add(module_map *m, uint64_t start, uint64_t len, uint64_t file_offset,
                   const char *path);

/* "memcpy+0x10 in libc.so.6" or "libc.so.6+0x1f662" for an address in a recorded
 * mapping (the newest one that holds it), "" otherwise.  Writes into buf.  Reading a
 * file's symbols on first use is a cache, not a change of the map: m stays const. */
const char *module_map_symbolize(const module_map *m, uint64_t addr, char *buf, size_t cap);

#endif
