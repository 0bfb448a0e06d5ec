/* Indirect-branch tracking (CET.md section 1).  The tracker's WAIT_FOR_ENDBRANCH
 * state lasts from a tracked branch to the next instruction fetched; an event carries
 * the branch and its target's bytes together, so these two rules are all of it. */
#ifndef HARNESS_IBT_TRACKER_H
#define HARNESS_IBT_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

/* Does this indirect branch arm the tracker?  Near CALL/JMP unless NOTRACK
 * (NO_TRACK_EN is modelled as 1, as gcc's switch tables need); far CALL/JMP always. */
bool ibt_branch_is_tracked(bool far, bool notrack);
/* May a tracked branch land on these 4 bytes?  ENDBR64 wherever it sits (even inside
 * another instruction's immediate); ENDBR32 does not count in 64-bit mode; INT3 is
 * exempt (debugger breakpoints). */
bool ibt_landing_ok(const uint8_t bytes[4]);

#endif
