/* What the RSP engine's own files share and the handlers do not need. */
#ifndef HARNESS_ENGINE_INTERNAL_H
#define HARNESS_ENGINE_INTERNAL_H

#include "engine/engine.h"

/* Name the stopped thread for the stub's op ('g' registers, 'c' resume) when the
 * guest has several (see engine_violation.c). */
int engine_select_stopped_thread(engine *e, char op);
/* Take the breakpoint at addr out while the thread runs over it; put them back. */
int engine_suspend_breakpoint(engine *e, uint64_t addr);
int engine_restore_suspended(engine *e);
void engine_learn_layout(engine *e);

#endif
