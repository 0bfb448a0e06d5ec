/* Leaf-call fusion.
 *
 * A call to a small leaf function whose every path to its RET writes no memory and
 * leaves rsp alone cannot change the return address the call left at [rsp]: its RET
 * returns exactly where the shadow stack says.  The harness checks such a RET when it
 * performs the call (statically, from the code) and plants no breakpoint on it, so
 * the call and its return cost one QEMU stop instead of two.
 *
 * The proof holds only while nothing else can reach the function's body or write its
 * stack: a fused function is "unfused" (its RETs get breakpoints again) as soon as
 * the explorer reaches its body by another path, a signal arrives inside it, or a
 * second thread appears (fusion is then off for the rest of the run). */
#ifndef HARNESS_CALL_FUSION_H
#define HARNESS_CALL_FUSION_H

#include <stdbool.h>
#include <stdint.h>

struct engine;

enum { FUSED_MAX_INSNS = 64, FUSED_MAX_RETS = 8 };

typedef struct fused_function {
    uint64_t entry;
    uint64_t rets[FUSED_MAX_RETS]; unsigned nrets;
    uint64_t insns[FUSED_MAX_INSNS]; unsigned ninsns;
    bool active;
} fused_function;

/* May the call to entry be fused?  Analyses entry on first sight. */
bool call_fusion_applies(struct engine *e, uint64_t entry);
/* The fused function whose body holds addr, or NULL. */
fused_function *call_fusion_owner(struct engine *e, uint64_t addr);
/* Plant breakpoints on the function's RETs again; it is never fused again. */
int call_fusion_undo(struct engine *e, fused_function *f);
/* Undo every fusion and fuse no more (a second thread is about to appear). */
int call_fusion_disable(struct engine *e);
void call_fusion_free(struct engine *e);

#endif
