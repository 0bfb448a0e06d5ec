/* Running a guest under the plugin engine: the harness makes the ring (a memory file
 * QEMU inherits), QEMU loads the plugin with the ring's descriptor, the harness reads
 * the ring until the guest ends, and QEMU's end is the guest's (trace_guest.c). */
#include "engine/plugin/plugin_engine.h"

#include "engine/plugin/plugin_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char LIBRARY_NAME[] = "cetharness-plugin.so";

bool plugin_engine_library(char *path, size_t cap, char *why, size_t whycap)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(why, whycap, "cannot tell where cetharness is (/proc/self/exe: %s)",
                 strerror(errno));
        return false;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    if ((size_t)snprintf(path, cap, "%s/%s", slash ? exe : ".", LIBRARY_NAME) >= cap) {
        snprintf(why, whycap, "the path of %s is too long", LIBRARY_NAME);
        return false;
    }
    if (access(path, R_OK) != 0) {
        snprintf(why, whycap, "%s is not there (make builds it when QEMU's qemu-plugin.h can be "
                 "had: ci/install-deps --plugin-header build/qemu-include)", path);
        return false;
    }
    return true;
}

/* QEMU's option syntax: a comma in a value is written twice. */
static int plugin_option(char *buf, size_t cap, const char *library, const char *args)
{
    size_t n = 0;
    for (const char *c = library; *c; c++) {
        if (n + 3 >= cap)
            return -1;
        if (*c == ',')
            buf[n++] = ',';
        buf[n++] = *c;
    }
    int w = snprintf(buf + n, cap - n, ",%s", args);
    return w < 0 || (size_t)w >= cap - n ? -1 : 0;
}

int plugin_engine_probe(const char *qemu_path, const char *library, char *why, size_t whycap)
{
    char option[4200], expected[64];
    qemu_output r;
    if (plugin_option(option, sizeof option, library, "probe=on") != 0) {
        snprintf(why, whycap, "the path of %s is too long", library);
        return -1;
    }
    char *argv[] = {(char *)qemu_path, "-plugin", option, "/dev/null", NULL};
    if (qemu_run_captured(argv, 10000, &r, why, whycap) != 0)
        return -1;
    snprintf(expected, sizeof expected, "cetharness-plugin: loaded, stream format %d\n",
             CS_FORMAT_VERSION);
    if (!r.timed_out && strncmp(r.out, expected, strlen(expected)) == 0)
        return 1;
    size_t line = strcspn(r.out, "\n");
    snprintf(why, whycap, "%s does not load %s (it says: %.*s)", qemu_path, library,
             (int)(line < 200 ? line : 200), r.timed_out ? "nothing within 10 s" : r.out);
    return 0;
}

/* A guest killed by a signal other than SIGKILL crashed (the RSP and log engines see the
 * signal delivered; the plugin does not), in the block its last thread started last;
 * not when a program it exec'd took QEMU's place. */
static void judge_crash(const plugin_run *p, run_outcome *out)
{
    if (out->end != END_SIGNALED || out->exit_signal == SIGKILL || out->unchecked.exec_program)
        return;
    uint32_t id = p->last_vcpu >= 0 && p->last_vcpu < CS_MAX_VCPUS
                      ? __atomic_load_n(&p->ring.last_block[p->last_vcpu], __ATOMIC_RELAXED)
                      : 0;
    const trace_block *b = id ? plugin_block(p, id - 1) : NULL;
    trace_guest_crashed(out, b ? b->pc : 0);
}

static int make_ring(plugin_run *p, run_outcome *out)
{
    int fd = cs_ring_create(CS_RING_DATA_BYTES);
    if (fd < 0 || cs_ring_map(fd, &p->ring) != 0) {
        snprintf(out->message, sizeof out->message, "cannot make the memory the plugin writes "
                 "into: %s", strerror(errno));
        out->end = END_ERROR;
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* QEMU ended without a word from the plugin: ask it why (the probe has its message). */
static int never_started(plugin_run *p, const trace_launch *l, const char *library)
{
    char why[600];
    if (plugin_engine_probe(l->qemu_path, library, why, sizeof why) == 1)
        snprintf(why, sizeof why, "QEMU loads the plugin, so it ended for another reason");
    return plugin_fail(p, "QEMU ended before the plugin started in it: %s; --engine=trace "
                       "reads QEMU's log instead", why);
}

static int follow(plugin_run *p, trace_guest *g, const trace_launch *l, const char *library,
                  run_outcome *out)
{
    out->unchecked.child_programs_known = true;   /* children tell what they exec */
    int rc = plugin_follow(p, g);
    if (p->core->stop)
        trace_guest_kill(g);
    cs_ring_leave(&p->ring);
    if (rc == 0 && !p->hello)
        rc = never_started(p, l, library);
    if (rc != 0)
        return -1;
    plugin_note_exec(p);
    plugin_note_child_execs(p);
    trace_guest_settle(g, p->core->stop, out);
    judge_crash(p, out);
    return 0;
}

static int run(plugin_run *p, trace_guest *g, const trace_launch *l, const char *library,
               run_outcome *out)
{
    char option[4200], args[32];
    int fd = make_ring(p, out);
    if (fd < 0)
        return -1;
    snprintf(args, sizeof args, "ring=%d", fd);
    if (plugin_option(option, sizeof option, library, args) != 0) {
        close(fd);
        return plugin_fail(p, "the path of %s is too long", library);
    }
    const char *extra[] = {"-plugin", option};
    int rc = trace_guest_start(g, l, extra, 2, out);
    close(fd);   /* QEMU has its own; the plugin closes that once it has mapped the ring */
    p->core->qemu_pid = g->qemu.pid;
    return rc == 0 ? follow(p, g, l, library, out) : -1;
}

int plugin_engine_run(const trace_launch *l, const char *library, const engine_config *opt,
                      run_outcome *out)
{
    static trace_state core;   /* large; one run per process */
    static plugin_run p;
    trace_guest g;
    int rc = -1;
    memset(&p, 0, sizeof p);
    p.core = &core;
    p.last_vcpu = -1;
    trace_guest_init(&g, opt->timeout_s);
    if (trace_state_init(&core, opt, out, 0) != 0) {
        snprintf(out->message, sizeof out->message, "out of memory");
        out->end = END_ERROR;
    } else {
        core.dispositions_known = true;
        rc = run(&p, &g, l, library, out);
    }
    trace_guest_end(&g);
    plugin_calls_free(&p);
    free(p.block_of);
    cs_ring_unmap(&p.ring);
    trace_state_free(&core);
    return rc;
}
