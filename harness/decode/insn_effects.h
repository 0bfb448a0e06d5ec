/* What an instruction writes, from Capstone's operand-access information: enough to
 * prove that a stretch of code cannot touch the return address a call left at [rsp]. */
#ifndef HARNESS_INSN_EFFECTS_H
#define HARNESS_INSN_EFFECTS_H

#include "decode/insn.h"

#include <stdbool.h>

/* True when the instruction writes no memory and leaves rsp alone (explicitly or
 * implicitly: push, pop, call, enter, leave, stos, xchg with memory ...).  False
 * when in doubt. */
bool insn_keeps_stack_intact(const insn *in);
void insn_effects_shutdown(void);

#endif
