/* The trace engine's state and the dispatch of the log's records. */
#include "engine/trace/trace_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int trace_state_init(trace_state *s, const engine_config *opt, run_outcome *out, long qemu_pid)
{
    memset(s, 0, sizeof *s);
    s->opt = opt;
    s->out = out;
    s->qemu_pid = qemu_pid;
    cet_model_config mc = {.ibt = opt->ibt, .shstk = opt->shstk,
                          .shstk_follows_program = opt->shstk_follows_program,
                          .thread_stack_size = opt->shadow_stack_size};
    s->model = cet_model_new(&mc);
    if (!s->model || addr_map_init(&s->block_at, 4096) != 0)
        return -1;
    return 0;
}

void trace_state_free(trace_state *s)
{
    trace_files_free(s);
    cet_model_free(s->model);
    addr_map_free(&s->block_at);
    free(s->insns);
    free(s->blocks);
    memset(s, 0, sizeof *s);
}

static int dispatch(trace_state *s, const qlog_record *rec)
{
    switch (rec->kind) {
    case QLOG_BLOCK:
        if (trace_add_block(s, rec->insns, rec->ninsns, NULL) != 0) {
            snprintf(s->out->message, sizeof s->out->message, "out of memory");
            return -1;
        }
        return 0;
    case QLOG_EXEC: {
        if (s->forked)
            return 0;
        int rc = trace_on_exec(s, rec->vcpu, rec->pc);
        s->threads[s->last_vcpu].last_tb = rec->tb;
        return rc;
    }
    case QLOG_SYSCALL:
        return trace_on_syscall(s, rec);
    case QLOG_SYSCALL_WAITING:
        trace_on_syscall_waiting(s, rec);
        return 0;
    case QLOG_SIGNAL:
        return trace_on_signal(s, rec);
    default:
        /* A block announced but not run (QEMU stopped the chain for a signal or an exit
         * request): it runs again later, and nothing ran from it. */
        if (rec->exec_stopped && !s->forked)
            trace_on_stopped(s, rec->tb);
        if (rec->malformed)
            trace_note_cut_call(s, rec->line);
        trace_on_other(s, rec->line ? rec->line : "");
        return 0;
    }
}

int trace_follow(trace_state *s, int fd)
{
    qlog_reader *r = qlog_open_fd(fd);
    qlog_record rec;
    int got = 0, rc = 0;
    if (!r) {
        close(fd);
        snprintf(s->out->message, sizeof s->out->message, "out of memory");
        return -1;
    }
    qlog_announce_waiting_calls(r);
    while (!s->stop && rc == 0 && (got = qlog_next(r, &rec)) > 0) {
        if (!s->forked && qlog_fork_in_progress(r))
            trace_stop_checking_at_fork(s);   /* the child's lines may follow its call */
        rc = dispatch(s, &rec);
    }
    if (got < 0) {
        snprintf(s->out->message, sizeof s->out->message, "QEMU's log: %s", qlog_error(r));
        rc = -1;
    }
    qlog_close(r);
    if (rc != 0)
        s->out->end = END_ERROR;
    return rc;
}
