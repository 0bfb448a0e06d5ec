/* "Stopped execution of TB chain before TB": QEMU announced a block (its Trace line) and
 * then left it before its first instruction, for an exit request (a signal, another
 * thread's exit_group).  The thread's previous block did run, and its transfer into the
 * announced one was taken; the announced block did not, so no transfer starts from it.
 *
 * The line names no thread.  Threads share translated code, so several may have
 * announced that TB last: exactly one of them was stopped, and what each runs next
 * tells which -- a stopped thread enters the same block again (or a signal handler),
 * one that ran it goes on elsewhere. */
#include "decode/insn.h"
#include "engine/trace/trace_state.h"

#include <stdio.h>

static bool is_candidate(const trace_thread *t, uint64_t tb)
{
    return t->live && t->has_prev && t->last_tb == tb && !t->stop_round;
}

void trace_on_stopped(trace_state *s, uint64_t tb)
{
    trace_thread *only = NULL;
    int n = 0;
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        if (is_candidate(&s->threads[i], tb)) {
            only = &s->threads[i];
            n++;
        }
    if (n == 1)
        only->has_prev = false;
    if (n < 2)
        return;
    unsigned round = ++s->stop_rounds;
    if (round % TRACE_STOP_ROUNDS == 0)   /* 0 means "no round" in a thread */
        round = ++s->stop_rounds;
    s->stop_left[round % TRACE_STOP_ROUNDS] = n;
    for (int i = 0; i < TRACE_MAX_VCPUS; i++)
        if (is_candidate(&s->threads[i], tb))
            s->threads[i].stop_round = round;
}

/* Can block b, having run, be followed by itself: is it a self-loop? */
static bool may_run_into_itself(const trace_state *s, const trace_block *b)
{
    const qlog_insn *last = &s->insns[b->first + b->n - 1];
    insn in;
    if (insn_decode(last->bytes, last->len, last->addr, &in) != 0)
        return true;
    switch (in.kind) {
    case INSN_CALL_DIRECT: case INSN_JMP_DIRECT: case INSN_JCC:
        return in.target == b->pc;
    case INSN_OTHER: case INSN_SYSCALL: case INSN_ENDBR64: case INSN_ENDBR32:
        return last->addr + last->len == b->pc;
    default:
        return true;   /* a return or an indirect branch may go anywhere */
    }
}

void trace_resolve_stop(trace_state *s, trace_thread *t, uint64_t pc)
{
    int *left = &s->stop_left[t->stop_round % TRACE_STOP_ROUNDS];
    t->stop_round = 0;
    if (*left < 0)
        return;   /* another candidate was the one stopped */
    const trace_block *prev = &s->blocks[t->prev];
    if (pc != prev->pc && !t->signal) {
        (*left)--;   /* it ran the block and went on */
        return;
    }
    bool sure = *left == 1 || (!t->signal && !may_run_into_itself(s, prev));
    *left = -1;
    t->has_prev = false;
    if (!sure && trace_ends_in_checked_transfer(prev->last_kind))
        run_outcome_warn(s->out, "thread %d: QEMU left the block at 0x%llx unrun in one of "
                         "several threads, and its log does not say which; taken to be this "
                         "one, which entered it again", t->number,
                         (unsigned long long)prev->pc);
}
