/* Indirect-branch tracking (CET.md section 1).  The harness checks the landing
 * instruction at the moment of the branch, so the tracker's WAIT_FOR_ENDBRANCH
 * state never has to outlive a stop: these two rules are all of it. */
#ifndef HARNESS_IBT_TRACKER_H
#define HARNESS_IBT_TRACKER_H

#include "insn.h"

#include <stdbool.h>
#include <stdint.h>

/* Does this branch arm the tracker?  Near indirect CALL/JMP unless NOTRACK
 * (NO_TRACK_EN is modelled as 1, as gcc's switch tables need); far CALL/JMP always. */
bool ibt_branch_is_tracked(const insn *in);
/* May a tracked branch land on these 4 bytes?  ENDBR64 wherever it sits (even inside
 * another instruction's immediate); ENDBR32 does not count in 64-bit mode; INT3 is
 * exempt (debugger breakpoints). */
bool ibt_landing_ok(const uint8_t bytes[4]);

#endif
