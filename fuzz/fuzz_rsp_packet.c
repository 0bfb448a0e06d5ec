/* libFuzzer target for the RSP receive path: arbitrary stub output is pushed through the
 * connection's frame state machine (checksums, naks, escapes, run-lengths, oversize),
 * every packet that comes out goes through the stop-reply parser, and the raw input is
 * also decoded directly with rsp_unescape.
 *
 * libFuzzer build: clang -DFUZZING -fsanitize=fuzzer,address,undefined with the rsp
 * sources.  Without FUZZING it is a plain program that runs a few built-in inputs and
 * replays the files named on its command line (e.g. crash reproducers). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rsp.h"

enum { MAX_INPUT = 64 * 1024 }; /* stays below the socket buffer: one write, no blocking */

static void check_stop_parser(const char *p, size_t n)
{
    rsp_stop stop;
    if (rsp_parse_stop(p, n, &stop) == RSP_OK && stop.kind == RSP_STOP_SIGNAL &&
        (stop.signal < 0 || stop.signal > 0xff))
        __builtin_trap();
}

static void drain_connection(rsp_conn *c)
{
    const char *p;
    size_t n;
    for (int i = 0; i < 10000; i++) {
        rsp_status st = rsp_recv_packet(c, 0, &p, &n);
        if (st == RSP_OK) {
            if (p[n] != '\0' || n > RSP_MAX_PACKET)
                __builtin_trap();
            check_stop_parser(p, n);
        } else if (st != RSP_ERR_PROTOCOL) {
            break; /* EOF once the input is used up */
        }
    }
}

static void check_unescape(const uint8_t *data, size_t size)
{
    static char out[RSP_MAX_PACKET];
    size_t n = rsp_unescape((const char *)data, size, out, sizeof out);
    if (n != (size_t)-1 && n > sizeof out)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    check_unescape(data, size);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    rsp_conn *c = rsp_from_fd(sv[0]);
    if (!c) {
        close(sv[1]);
        return 0;
    }
    /* The peer half-closes after its bytes: the client sees EOF at the end but can still
     * write its acks and naks into the peer's receive buffer. */
    if (size == 0 || write(sv[1], data, size) == (ssize_t)size) {
        shutdown(sv[1], SHUT_WR);
        drain_connection(c);
    }
    rsp_close(c);
    close(sv[1]);
    return 0;
}

#ifndef FUZZING
static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static uint8_t buf[MAX_INPUT];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *builtin[] = { "$OK#9a", "+$T05thread:p01.4477;#00$T05#b8", "$0* }#00",
                                     "$a*~*~#ff", "$}#7d" };
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        LLVMFuzzerTestOneInput((const uint8_t *)builtin[i], strlen(builtin[i]));
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= replay(argv[i]);
    return rc;
}
#endif
