/* The guest's code as the harness has read it: 4 KiB page copies and decoded
 * instructions, with a notion of which pages may change under us.
 *
 * A page is "stable" when it belongs to a mapping that is executable and has never
 * been writable (the program's and the loader's text, libraries mapped read-only).
 * Everything else is "mutable" (a JIT's RWX buffer, code of unknown origin): its
 * bytes are read again after every resume of the guest, so code is checked as it is
 * when it runs, not as it was when first seen. */
#ifndef HARNESS_CODE_CACHE_H
#define HARNESS_CODE_CACHE_H

#include "util/addr_map.h"
#include "decode/insn.h"
#include "rsp.h"

#include <stdbool.h>
#include <stdint.h>

enum { CODE_PAGE_SIZE = 4096 };

typedef struct code_range { uint64_t lo, hi; bool stable, exec; } code_range;

typedef struct code_page {
    uint64_t addr;
    uint64_t generation;      /* guest resume count when read (mutable pages) */
    bool stable;
    bool readable;            /* false: the stub could not read it (unmapped) */
    uint8_t bytes[CODE_PAGE_SIZE];
} code_page;

typedef struct code_cache {
    rsp_conn *rsp;
    addr_map pages;           /* page address -> code_page * */
    addr_map insns;           /* instruction address -> insn * (stable pages only) */
    code_range *ranges; size_t nranges, capranges;  /* later entries win */
    uint64_t generation;
    uint64_t page_reads;
    bool link_failed;         /* a read failed for another reason than an error reply:
                                 the connection, not the page, is bad (engine checks) */
} code_cache;

void code_cache_init(code_cache *cc, rsp_conn *rsp);
void code_cache_free(code_cache *cc);
/* The guest ran: mutable pages must be read again before use. */
void code_cache_next_generation(code_cache *cc);
/* Declare [lo, hi) mapped with these permissions and drop what was cached there.
 * Stable = executable and never writable. */
int code_cache_set_range(code_cache *cc, uint64_t lo, uint64_t hi, bool exec, bool write);
void code_cache_forget(code_cache *cc, uint64_t lo, uint64_t hi);
bool code_cache_is_stable(const code_cache *cc, uint64_t addr);
/* Known to be mapped without execute permission (an ELF data segment, an mmap
 * without PROT_EXEC)?  False when executable or when the harness does not know. */
bool code_cache_known_noexec(const code_cache *cc, uint64_t addr);
/* Copy len bytes at addr (may cross a page); -1 when the guest memory is unreadable. */
int code_cache_read(code_cache *cc, uint64_t addr, uint8_t *buf, size_t len);
/* The page holding addr, read if needed; NULL when unreadable. */
const code_page *code_cache_page(code_cache *cc, uint64_t addr);
/* Decode the instruction at addr as it is now.  -1 when unreadable; an undecodable
 * instruction is returned with kind INSN_INVALID and status 0. */
int code_cache_decode(code_cache *cc, uint64_t addr, insn *out);

#endif
