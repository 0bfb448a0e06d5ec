/* cetharness's QEMU plugin (TCG plugin API version 1, QEMU 7.2 and later builds that
 * load plugins): it streams what the harness's plugin engine needs into a ring the
 * harness shares with it, and decides nothing itself (see stream_format.h).
 *
 *   qemu-x86_64 -plugin cetharness-plugin.so,ring=FD PROGRAM   (cetharness starts it so)
 *   qemu-x86_64 -plugin cetharness-plugin.so,probe=on /dev/null
 *       prints "cetharness-plugin: loaded, stream format N" and ends QEMU with status 0,
 *       before any guest is loaded: how the harness learns that this QEMU loads it. */
#include "plugin_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

cs_ring plugin_ring;
vcpu_state plugin_vcpus[MAX_VCPUS];
int plugin_pid;
bool plugin_detached;

void plugin_leave_stream(void)
{
    static uint32_t own_last_block[MAX_VCPUS];
    plugin_detached = true;
    plugin_ring.last_block = own_last_block;   /* the parent's stay as its blocks set them */
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu)
{
    (void)id;
    if (vcpu < MAX_VCPUS)
        memset(&plugin_vcpus[vcpu], 0, sizeof plugin_vcpus[vcpu]);
    else
        emit_note("vCPU %u: the plugin follows at most %d threads at once", vcpu, MAX_VCPUS);
}

/* Called in the ending thread, before QEMU may give its index to a new one. */
static void on_vcpu_exit(qemu_plugin_id_t id, unsigned int vcpu)
{
    (void)id;
    if (vcpu >= MAX_VCPUS)
        return;
    emit_small(CS_VCPU_EXIT, 0, vcpu, 0, 0);
    memset(&plugin_vcpus[vcpu], 0, sizeof plugin_vcpus[vcpu]);
}

/* QEMU has parked every vCPU: nothing else writes any more. */
static void on_qemu_exit(qemu_plugin_id_t id, void *data)
{
    (void)id; (void)data;
    emit_small(CS_END, 0, 0, 0, 0);
}

static int map_ring(const char *value)
{
    char *end;
    long fd = strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || fd < 0 || fd > 1 << 20) {
        fprintf(stderr, "cetharness-plugin: ring=%s is not a file descriptor\n", value);
        return -1;
    }
    int rc = cs_ring_map((int)fd, &plugin_ring);
    if (rc != 0)
        perror("cetharness-plugin: cannot map the harness's ring");
    close((int)fd);   /* the guest is not to inherit it */
    return rc;
}

static void probe_answer(void)
{
    printf("cetharness-plugin: loaded, stream format %d\n", CS_FORMAT_VERSION);
    fflush(stdout);
    _exit(0);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    const char *ring = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "probe=on") == 0)
            probe_answer();
        else if (strncmp(argv[i], "ring=", 5) == 0)
            ring = argv[i] + 5;
        else {
            fprintf(stderr, "cetharness-plugin: unknown argument '%s' (ring=FD or probe=on)\n",
                    argv[i]);
            return -1;
        }
    }
    if (!ring) {
        fputs("cetharness-plugin: needs ring=FD; it is started by cetharness run "
              "--engine=plugin\n", stderr);
        return -1;
    }
    if (map_ring(ring) != 0)
        return -1;
    plugin_pid = getpid();
    emit_small(CS_HELLO, 0, 0, CS_FORMAT_VERSION, (uint32_t)plugin_pid);
    qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
    qemu_plugin_register_vcpu_exit_cb(id, on_vcpu_exit);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_return);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return 0;
}
