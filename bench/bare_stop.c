/* The bare cost of a breakpoint stop on this QEMU: our RSP client against one
 * breakpoint on a 1-byte instruction in a loop, resuming past it with "c ADDR".
 * Prints the mean time per stop, without and with one "g" per stop (the least a
 * client that does not know where it stopped must do).
 * usage: bare-stop QEMU BARE_GUEST */
#include "guest/elf_facts.h"
#include "qemu/qemu_launch.h"
#include "rsp.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the guest to its end; returns seconds per stop, or -1. */
static double measure(const char *qemu, const char *guest, uint64_t probe, int read_regs, long *stops)
{
    char err[1024];
    qemu_process qp;
    qemu_launch_opts lo = {.qemu_path = qemu, .program = guest};
    if (qemu_start(&lo, &qp, err, sizeof err) != 0) {
        fprintf(stderr, "bare-stop: %s\n", err);
        return -1;
    }
    rsp_conn *c = rsp_connect_unix(qp.socket_path, 10000, err, sizeof err);
    char *xml = NULL;
    size_t len;
    rsp_stop st;
    if (!c || rsp_handshake(c, "multiprocess+", NULL, 0) != RSP_OK ||
        rsp_read_xfer(c, "features", "target.xml", &xml, &len) != RSP_OK ||
        rsp_query_stop(c, &st) != RSP_OK || rsp_insert_breakpoint(c, probe) != RSP_OK) {
        fprintf(stderr, "bare-stop: cannot set up: %s\n", c ? rsp_error(c) : err);
        qemu_stop(&qp);
        return -1;
    }
    free(xml);
    uint8_t regs[1024];
    double t0 = 0;
    *stops = 0;
    rsp_status s = rsp_resume(c, RSP_CONTINUE, 0, false, 0);
    while (s == RSP_OK && rsp_wait_stop(c, 60000, &st) == RSP_OK && st.kind == RSP_STOP_SIGNAL) {
        if (*stops == 0)
            t0 = now(); /* the first stop includes start-up */
        ++*stops;
        if (read_regs && rsp_read_registers(c, regs, sizeof regs, &len) != RSP_OK)
            break;
        s = rsp_resume(c, RSP_CONTINUE, 0, true, probe + 1);
    }
    double per_stop = (now() - t0) / (double)(*stops > 1 ? *stops - 1 : 1);
    rsp_close(c);
    qemu_stop(&qp);
    return per_stop;
}

int main(int argc, char **argv)
{
    char err[1024], path[4096], version[64];
    elf_facts elf;
    uint64_t probe;
    if (argc != 3) {
        fprintf(stderr, "usage: bare-stop QEMU BARE_GUEST\n");
        return 2;
    }
    if (qemu_resolve(argv[1], path, sizeof path, version, sizeof version, err, sizeof err) != 0 ||
        elf_facts_load(argv[2], &elf, err, sizeof err) != 0) {
        fprintf(stderr, "bare-stop: %s\n", err);
        return 1;
    }
    if (!elf_lookup(&elf, "probe", &probe)) {
        fprintf(stderr, "bare-stop: %s has no symbol 'probe'\n", argv[2]);
        return 1;
    }
    long n1, n2;
    double plain = measure(path, argv[2], probe, 0, &n1);
    double with_regs = measure(path, argv[2], probe, 1, &n2);
    elf_facts_free(&elf);
    if (plain < 0 || with_regs < 0)
        return 1;
    printf("bare_stop_us: %.1f\nbare_stop_with_g_us: %.1f\nbare_stops: %ld\n",
           plain * 1e6, with_regs * 1e6, n1);
    return 0;
}
