/* Running child processes in parallel, each in its own process group, with its
 * stdout and stderr captured and a watchdog that kills the whole group. */
#ifndef HARNESS_SUITE_RUNNER_H
#define HARNESS_SUITE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#define RUNNER_OUTPUT_CAP (64 * 1024)

typedef struct runner_job {
    char **argv;             /* argv[0] is the program, run with execv */
    double kill_after_s;     /* watchdog: SIGKILL to the process group after this */
} runner_job;

typedef struct runner_result {
    int wait_status;         /* from waitpid; meaningful unless spawn_failed */
    bool spawn_failed;       /* fork or pipe failed; output says why */
    bool timed_out;          /* the watchdog killed it */
    const char *output;      /* last RUNNER_OUTPUT_CAP bytes of stdout+stderr, NUL-ended */
    size_t output_len;
    bool output_truncated;   /* earlier output was dropped */
    double time_s;
} runner_result;

typedef struct runner_callbacks {
    void (*started)(void *ctx, size_t index);
    /* r and its output are valid only during the call. */
    void (*finished)(void *ctx, size_t index, const runner_result *r);
    void *ctx;
} runner_callbacks;

/* Runs jobs[0..n) with at most parallel at once, calling back as each starts and
 * ends.  Returns -1 only when the whole run stops: SIGINT/SIGTERM (every child's
 * group is killed first; err says so) or a failure of poll itself. */
int runner_run(const runner_job *jobs, size_t n, unsigned parallel,
               const runner_callbacks *cb, char *err, size_t errlen);

#endif
