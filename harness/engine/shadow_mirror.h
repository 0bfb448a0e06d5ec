/* The guest's copy of shadow-stack memory (reference mode).
 *
 * The model holds the shadow stacks; the guest must see them too, as real mappings
 * where the model placed them: ordinary loads read return addresses and tokens,
 * ordinary stores fault (the mappings are PROT_READ to QEMU), and RDSSP's address
 * leads somewhere.  Mappings are made with system calls in the guest's name
 * (guest_syscall.c) when the model's region list changed and the guest is at a
 * point where that is cheap (a syscall stop) or needed (a CET instruction); their
 * contents are written from the model's drained writes at every stop once the guest
 * has been handed a shadow-stack address (RDSSP, map_shadow_stack) - before that it
 * cannot look, and the writes cost nothing.  QEMU's user mode keeps guest addresses
 * as its own when it can, so /proc/QEMU/mem writes them past the page protection;
 * otherwise the stub's "M" does (QEMU >= 8.1 writes read-only pages). */
#ifndef HARNESS_ENGINE_SHADOW_MIRROR_H
#define HARNESS_ENGINE_SHADOW_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;

typedef struct mirrored_region {
    uint64_t id, base, size;        /* size 0: the guest refused the mapping at base */
    bool guarded;                   /* a PROT_NONE page below holds the kernel's guard gap */
} mirrored_region;

typedef enum mirror_writer { WRITER_UNKNOWN, WRITER_PROC_MEM, WRITER_STUB, WRITER_NONE } mirror_writer;

typedef struct shadow_mirror {
    bool observed;                  /* the guest was handed a shadow-stack address */
    uint64_t generation;            /* of the model's regions when the mappings matched */
    bool in_step;                   /* generation matched once (0 is the model's first) */
    mirrored_region *mapped; size_t nmapped, capmapped;
    mirror_writer writer;
    int mem_fd;
    bool warned_no_gadget;
    uint64_t hinted_base;           /* map_shadow_stack's address while its region is
                                       mapped: a refusal there is the call's EEXIST */
} shadow_mirror;

void shadow_mirror_init(shadow_mirror *m);
void shadow_mirror_free(shadow_mirror *m);
/* The guest now knows a shadow-stack address: keep its copy current from here on. */
void shadow_mirror_observed(struct engine *e);
/* Make the mappings match the model's regions (if they changed) and write what the
 * model wrote.  May run a system call in the guest: call it where the stopped
 * thread's registers are its own (a syscall stop, a CET instruction). */
int shadow_mirror_sync(struct engine *e);
/* Write what the model wrote, if the mappings match: every stop, before resuming. */
int shadow_mirror_drain(struct engine *e);
/* The guest's munmap removed regions: forget their mappings, unmapping only the
 * pages that kept their guard gaps.  Runs a system call in the guest. */
int shadow_mirror_forget_removed(struct engine *e);
/* Did the guest refuse the mapping for the model's region at base (something of its
 * own is there)? */
bool shadow_mirror_refused(const struct engine *e, uint64_t base);

#endif
