/* RSP connection against a fake stub on the other end of a socketpair. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rsp.h"

static rsp_conn *conn;
static int peer = -1;

static void setup(void)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    conn = rsp_from_fd(sv[0]);
    cr_assert_not_null(conn);
    peer = sv[1];
    rsp_set_reply_timeout(conn, 2000);
}

static void teardown(void)
{
    rsp_close(conn);
    if (peer >= 0)
        close(peer);
}

TestSuite(rsp_conn, .init = setup, .fini = teardown);

/* --- helpers playing the stub ------------------------------------------- */

static void peer_write(const char *s, size_t n)
{
    cr_assert_eq(write(peer, s, n), (ssize_t)n);
}

static void peer_puts(const char *s)
{
    peer_write(s, strlen(s));
}

/* "$payload#cs" for a payload without special characters. */
static char *frame(const char *payload)
{
    size_t n = strlen(payload);
    char *f = malloc(n + 5);
    snprintf(f, n + 5, "$%s#%02x", payload, rsp_checksum(payload, n));
    return f;
}

static void peer_send_packet(const char *payload)
{
    char *f = frame(payload);
    peer_puts(f);
    free(f);
}

/* Everything the client wrote so far (waits briefly for it to arrive). */
static char *peer_drain(void)
{
    static char buf[65536];
    size_t n = 0;
    struct pollfd pfd = { .fd = peer, .events = POLLIN };
    while (n < sizeof buf - 1 && poll(&pfd, 1, 50) > 0) {
        ssize_t r = read(peer, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return buf;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* --- receive --------------------------------------------------------------- */

typedef struct slow_writer {
    int fd;
    const char *bytes;
} slow_writer;

static void *write_byte_by_byte(void *arg)
{
    slow_writer *w = arg;
    const struct timespec gap = { 0, 2 * 1000000L };
    for (size_t i = 0; w->bytes[i]; i++) {
        if (write(w->fd, &w->bytes[i], 1) != 1)
            break;
        nanosleep(&gap, NULL);
    }
    return NULL;
}

Test(rsp_conn, packet_split_byte_by_byte_across_writes)
{
    char *f = frame("T05thread:p01.4477;");
    slow_writer w = { peer, f };
    pthread_t th;
    pthread_create(&th, NULL, write_byte_by_byte, &w);
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 2000, &p, &n), RSP_OK, "%s", rsp_error(conn));
    pthread_join(th, NULL);
    free(f);
    cr_assert_str_eq(p, "T05thread:p01.4477;");
    cr_assert_eq(n, strlen("T05thread:p01.4477;"));
    cr_assert_str_eq(peer_drain(), "+");
}

Test(rsp_conn, two_packets_coalesced_in_one_write)
{
    peer_puts("$OK#9a$E14#aa");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_OK);
    cr_assert_str_eq(p, "OK");
    /* the second packet is already buffered: no wait needed */
    cr_assert_eq(rsp_recv_packet(conn, 0, &p, &n), RSP_OK, "%s", rsp_error(conn));
    cr_assert_str_eq(p, "E14");
    cr_assert_str_eq(peer_drain(), "++");
    cr_assert_eq(rsp_get_stats(conn)->packets_received, 2);
}

Test(rsp_conn, stray_acks_before_dollar_are_skipped)
{
    peer_puts("++-+$OK#9a");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_OK);
    cr_assert_str_eq(p, "OK");
}

Test(rsp_conn, received_packet_is_unescaped_and_run_length_decoded)
{
    /* "}]" is '}', "0* " is four '0' */
    const char raw[] = "a}]0* z";
    char wire[32];
    snprintf(wire, sizeof wire, "$%s#%02x", raw, rsp_checksum(raw, strlen(raw)));
    peer_puts(wire);
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_OK);
    cr_assert_str_eq(p, "a}0000z");
}

Test(rsp_conn, bad_checksum_sends_nak_and_accepts_the_resend)
{
    peer_puts("$OK#00");
    peer_puts("$OK#9a");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_OK);
    cr_assert_str_eq(p, "OK");
    cr_assert_str_eq(peer_drain(), "-+");
}

Test(rsp_conn, checksum_wrong_four_times_is_a_protocol_error)
{
    peer_puts("$OK#00$OK#00$OK#00$OK#zz");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_ERR_PROTOCOL);
    cr_assert_str_eq(peer_drain(), "---");
}

Test(rsp_conn, oversized_packet_is_rejected)
{
    size_t n = RSP_MAX_PACKET + 1;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    char *f = frame(big);
    peer_puts(f);
    const char *p;
    size_t len;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &len), RSP_ERR_PROTOCOL);
    free(f);
    free(big);
}

Test(rsp_conn, packet_without_end_marker_is_rejected_once_too_long)
{
    size_t n = 3 * RSP_MAX_PACKET;
    char *big = malloc(n);
    big[0] = '$';
    memset(big + 1, 'a', n - 1);
    peer_write(big, n);
    free(big);
    const char *p;
    size_t len;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &len), RSP_ERR_PROTOCOL);
    cr_assert(strstr(rsp_error(conn), "longer than"), "%s", rsp_error(conn));
}

Test(rsp_conn, run_length_expanding_past_the_limit_is_rejected)
{
    /* 200 runs of 98 bytes each decode to 19600 > RSP_MAX_PACKET */
    char raw[1024];
    size_t n = 0;
    for (int i = 0; i < 200; i++) {
        raw[n++] = 'a';
        raw[n++] = '*';
        raw[n++] = '~';
    }
    raw[n] = '\0';
    char *f = frame(raw);
    peer_puts(f);
    free(f);
    const char *p;
    size_t len;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &len), RSP_ERR_PROTOCOL);
}

Test(rsp_conn, timeout_when_the_peer_is_silent)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 60, &p, &n), RSP_ERR_TIMEOUT);
    long ms = elapsed_ms(&t0);
    cr_assert(ms >= 55 && ms < 1000, "took %ld ms", ms);
}

Test(rsp_conn, partial_packet_completes_after_a_timeout)
{
    peer_puts("$O");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 20, &p, &n), RSP_ERR_TIMEOUT);
    peer_puts("K#9a");
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_OK);
    cr_assert_str_eq(p, "OK");
}

Test(rsp_conn, eof_when_the_peer_closes)
{
    peer_puts("$O");
    close(peer);
    peer = -1;
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 1000, &p, &n), RSP_ERR_EOF);
    cr_assert_str_eq(rsp_error(conn), "target closed the connection");
}

/* --- send --------------------------------------------------------------- */

Test(rsp_conn, send_frames_with_checksum_and_waits_for_ack)
{
    peer_puts("+");
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_OK);
    cr_assert_str_eq(peer_drain(), "$g#67");
    cr_assert_eq(rsp_get_stats(conn)->packets_sent, 1);
}

Test(rsp_conn, send_escapes_special_bytes)
{
    peer_puts("+");
    cr_assert_eq(rsp_send_packet(conn, "X$#}*", 5), RSP_OK);
    const char esc[] = "X}\x04}\x03}]}\x0a";
    char want[32];
    snprintf(want, sizeof want, "$%s#%02x", esc, rsp_checksum(esc, strlen(esc)));
    cr_assert_str_eq(peer_drain(), want);
}

Test(rsp_conn, send_resends_after_nak)
{
    peer_puts("-+");
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_OK);
    cr_assert_str_eq(peer_drain(), "$g#67$g#67");
    cr_assert_eq(rsp_get_stats(conn)->resends, 1);
    cr_assert_eq(rsp_get_stats(conn)->packets_sent, 1);
}

Test(rsp_conn, send_gives_up_after_three_resends)
{
    peer_puts("----");
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_ERR_PROTOCOL);
    cr_assert_str_eq(peer_drain(), "$g#67$g#67$g#67$g#67");
}

Test(rsp_conn, send_times_out_without_ack)
{
    rsp_set_reply_timeout(conn, 50);
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_ERR_TIMEOUT);
}

Test(rsp_conn, send_refuses_packet_beyond_packet_size)
{
    size_t n = rsp_packet_size(conn);
    char *big = malloc(n);
    memset(big, 'a', n);
    cr_assert_eq(rsp_send_packet(conn, big, n), RSP_ERR_PROTOCOL);
    free(big);
    cr_assert_str_eq(peer_drain(), "");
}

/* --- request classification ------------------------------------------- */

static rsp_status request_with_reply(const char *req, const char *reply)
{
    peer_puts("+");
    peer_send_packet(reply);
    const char *p;
    size_t n;
    return rsp_request(conn, req, &p, &n);
}

Test(rsp_conn, request_error_reply_is_err_reply)
{
    cr_assert_eq(request_with_reply("m0,1", "E14"), RSP_ERR_REPLY);
    cr_assert(strstr(rsp_error(conn), "E14"), "%s", rsp_error(conn));
    cr_assert_eq(rsp_get_stats(conn)->round_trips, 1);
}

Test(rsp_conn, request_empty_reply_is_unsupported)
{
    cr_assert_eq(request_with_reply("Z2,1000,1", ""), RSP_ERR_UNSUPPORTED);
}

Test(rsp_conn, request_stop_reply_is_a_protocol_error)
{
    cr_assert_eq(request_with_reply("g", "T05thread:p01.4477;"), RSP_ERR_PROTOCOL);
    cr_assert(strstr(rsp_error(conn), "unexpected stop reply"), "%s", rsp_error(conn));
}

Test(rsp_conn, request_accepts_ok_hex_and_text_starting_with_t)
{
    cr_assert_eq(request_with_reply("Z0,1000,1", "OK"), RSP_OK);
    cr_assert_eq(request_with_reply("m0,2", "e1f0"), RSP_OK);
    cr_assert_eq(request_with_reply("qOffsets", "Text=0;Data=0;Bss=0"), RSP_OK);
    cr_assert_eq(rsp_get_stats(conn)->round_trips, 3);
    char want[128] = "";
    static const char *sent[] = { "Z0,1000,1", "m0,2", "qOffsets" };
    for (int i = 0; i < 3; i++) {
        char *f = frame(sent[i]);
        strcat(strcat(want, f), "+");
        free(f);
    }
    cr_assert_str_eq(peer_drain(), want);
}

/* --- resume and stop ---------------------------------------------------- */

Test(rsp_conn, nothing_is_sent_while_the_target_runs)
{
    peer_puts("+");
    cr_assert_eq(rsp_resume(conn, RSP_CONTINUE, 0, false, 0), RSP_OK);
    cr_assert_str_eq(peer_drain(), "$c#63");
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_ERR_PROTOCOL);
    cr_assert_str_eq(rsp_error(conn), "cannot send while the target runs");
    const char *p;
    size_t n;
    cr_assert_eq(rsp_request(conn, "g", &p, &n), RSP_ERR_PROTOCOL);
    cr_assert_eq(rsp_resume(conn, RSP_STEP, 0, false, 0), RSP_ERR_PROTOCOL);
    cr_assert_str_eq(peer_drain(), "");

    peer_send_packet("T05thread:p01.4477;");
    rsp_stop stop;
    cr_assert_eq(rsp_wait_stop(conn, 1000, &stop), RSP_OK, "%s", rsp_error(conn));
    cr_assert_eq(stop.signal, 5);
    cr_assert_eq(stop.tid, 0x4477);
    cr_assert_str_eq(peer_drain(), "+");

    peer_puts("+");
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_OK);
    cr_assert_eq(rsp_get_stats(conn)->resumes, 1);
}

Test(rsp_conn, wait_stop_timeout_keeps_the_target_running)
{
    peer_puts("+");
    cr_assert_eq(rsp_resume(conn, RSP_CONTINUE, 0, false, 0), RSP_OK);
    rsp_stop stop;
    cr_assert_eq(rsp_wait_stop(conn, 30, &stop), RSP_ERR_TIMEOUT);
    cr_assert_eq(rsp_send_packet(conn, "g", 1), RSP_ERR_PROTOCOL);
    peer_send_packet("W00");
    cr_assert_eq(rsp_wait_stop(conn, 1000, &stop), RSP_OK);
    cr_assert_eq(stop.kind, RSP_STOP_EXITED);
}

Test(rsp_conn, wait_stop_without_resume_is_refused)
{
    rsp_stop stop;
    cr_assert_eq(rsp_wait_stop(conn, 10, &stop), RSP_ERR_PROTOCOL);
}

Test(rsp_conn, resume_packets_for_each_form)
{
    static const struct {
        rsp_resume_kind kind;
        int sig;
        bool has_addr;
        uint64_t addr;
        const char *payload;
    } cases[] = {
        { RSP_CONTINUE, 0, false, 0, "c" },
        { RSP_CONTINUE, 0, true, 0x401000, "c401000" },
        { RSP_STEP, 0, false, 0, "s" },
        { RSP_STEP, 0, true, 0x7fff0010, "s7fff0010" },
        { RSP_CONTINUE, 11, true, 0x401000, "C0b" },
        { RSP_STEP, 5, false, 0, "vCont;S05" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        peer_puts("+");
        cr_assert_eq(rsp_resume(conn, cases[i].kind, cases[i].sig, cases[i].has_addr,
                                cases[i].addr), RSP_OK);
        char *want = frame(cases[i].payload);
        cr_assert_str_eq(peer_drain(), want);
        free(want);
        peer_send_packet("S05");
        rsp_stop stop;
        cr_assert_eq(rsp_wait_stop(conn, 1000, &stop), RSP_OK);
        peer_drain();
    }
}

/* --- a threaded fake stub for multi-request operations ------------------ */

enum { MAX_REQUESTS = 64 };

typedef struct fake_stub {
    int fd;
    char *requests[MAX_REQUESTS];
    int count;
    /* writes the reply payload for req into out */
    void (*respond)(const char *req, char *out, size_t cap);
    pthread_t thread;
} fake_stub;

static bool stub_read_byte(int fd, char *ch)
{
    return read(fd, ch, 1) == 1;
}

/* Reads one "$...#cs" request (without escapes: our requests here have none). */
static bool stub_read_packet(int fd, char *buf, size_t cap)
{
    char ch;
    do {
        if (!stub_read_byte(fd, &ch))
            return false;
    } while (ch != '$');
    size_t n = 0;
    while (stub_read_byte(fd, &ch) && ch != '#' && n < cap - 1)
        buf[n++] = ch;
    buf[n] = '\0';
    char sum[2];
    return stub_read_byte(fd, &sum[0]) && stub_read_byte(fd, &sum[1]);
}

static void *stub_main(void *arg)
{
    fake_stub *s = arg;
    static char req[RSP_MAX_PACKET + 1], reply[RSP_MAX_PACKET + 1], wire[2 * RSP_MAX_PACKET];
    while (stub_read_packet(s->fd, req, sizeof req)) {
        if (s->count < MAX_REQUESTS)
            s->requests[s->count++] = strdup(req);
        s->respond(req, reply, sizeof reply);
        size_t body = rsp_escape(reply, strlen(reply), wire + 2, sizeof wire - 8);
        wire[0] = '+';
        wire[1] = '$';
        snprintf(wire + 2 + body, 4, "#%02x", rsp_checksum(wire + 2, body));
        if (write(s->fd, wire, body + 5) != (ssize_t)(body + 5))
            break;
        char ack;
        if (!stub_read_byte(s->fd, &ack) || ack != '+')
            break;
    }
    return NULL;
}

static void stub_start(fake_stub *s, void (*respond)(const char *, char *, size_t))
{
    memset(s, 0, sizeof *s);
    s->fd = peer;
    s->respond = respond;
    pthread_create(&s->thread, NULL, stub_main, s);
}

/* Closes the client so the stub sees EOF, then waits for it. */
static void stub_finish(fake_stub *s)
{
    rsp_close(conn);
    conn = NULL;
    pthread_join(s->thread, NULL);
}

static void stub_free(fake_stub *s)
{
    for (int i = 0; i < s->count; i++)
        free(s->requests[i]);
}

/* Memory whose every byte is the low byte of its address. */
static void respond_memory(const char *req, char *out, size_t cap)
{
    unsigned long long addr, len;
    if (sscanf(req, "m%llx,%llx", &addr, &len) == 2 && 2 * len < cap) {
        for (unsigned long long i = 0; i < len; i++)
            snprintf(out + 2 * i, 3, "%02x", (unsigned)((addr + i) & 0xff));
        return;
    }
    snprintf(out, cap, "%s", req[0] == 'M' ? "OK" : "E01");
}

Test(rsp_conn, read_memory_splits_at_pages_and_packet_size)
{
    fake_stub s;
    stub_start(&s, respond_memory);
    uint8_t buf[0x1020];
    rsp_status st = rsp_read_memory(conn, 0x1ff0, buf, sizeof buf);
    cr_assert_eq(st, RSP_OK, "%s", rsp_error(conn));
    cr_assert_eq(rsp_get_stats(conn)->round_trips, 4);
    stub_finish(&s);
    static const char *want[] = { "m1ff0,10", "m2000,800", "m2800,800", "m3000,10" };
    cr_assert_eq(s.count, 4);
    for (int i = 0; i < 4; i++)
        cr_assert_str_eq(s.requests[i], want[i]);
    for (size_t i = 0; i < sizeof buf; i++)
        cr_assert_eq(buf[i], (uint8_t)((0x1ff0 + i) & 0xff), "byte %zu", i);
    stub_free(&s);
}

Test(rsp_conn, write_memory_splits_at_pages)
{
    fake_stub s;
    stub_start(&s, respond_memory);
    uint8_t buf[0x20];
    memset(buf, 0xab, sizeof buf);
    cr_assert_eq(rsp_write_memory(conn, 0x3ff0, buf, sizeof buf), RSP_OK, "%s", rsp_error(conn));
    stub_finish(&s);
    cr_assert_eq(s.count, 2);
    cr_assert_str_eq(s.requests[0], "M3ff0,10:abababababababababababababababab");
    cr_assert_str_eq(s.requests[1], "M4000,10:abababababababababababababababab");
    stub_free(&s);
}

static void respond_supported(const char *req, char *out, size_t cap)
{
    (void)req;
    snprintf(out, cap, "PacketSize=800;qXfer:features:read+;vContSupported+");
}

Test(rsp_conn, handshake_learns_packet_size_and_limits_reads)
{
    fake_stub s;
    stub_start(&s, respond_supported);
    char reply[128];
    cr_assert_eq(rsp_handshake(conn, "multiprocess+", reply, sizeof reply), RSP_OK);
    cr_assert_str_eq(reply, "PacketSize=800;qXfer:features:read+;vContSupported+");
    cr_assert_eq(rsp_packet_size(conn), 0x800);
    stub_finish(&s);
    cr_assert_str_eq(s.requests[0], "qSupported:multiprocess+");
    stub_free(&s);
}

static void respond_xfer(const char *req, char *out, size_t cap)
{
    unsigned long long off, len;
    const char *doc = "<target>#$*}</target>"; /* specials come back escaped */
    if (sscanf(req, "qXfer:features:read:target.xml:%llx,%llx", &off, &len) != 2) {
        snprintf(out, cap, "E01");
        return;
    }
    size_t chunk = 8, total = strlen(doc);
    if (off >= total)
        snprintf(out, cap, "l");
    else
        snprintf(out, cap, "%c%.*s", off + chunk >= total ? 'l' : 'm', (int)chunk, doc + off);
}

Test(rsp_conn, read_xfer_concatenates_chunks_until_l)
{
    fake_stub s;
    stub_start(&s, respond_xfer);
    char *data;
    size_t len;
    cr_assert_eq(rsp_read_xfer(conn, "features", "target.xml", &data, &len), RSP_OK, "%s",
                 rsp_error(conn));
    cr_assert_eq(len, strlen("<target>#$*}</target>"));
    cr_assert_str_eq(data, "<target>#$*}</target>");
    free(data);
    stub_finish(&s);
    cr_assert_eq(s.count, 3);
    const char *second = "qXfer:features:read:target.xml:8,";
    cr_assert(strncmp(s.requests[1], second, strlen(second)) == 0, "%s", s.requests[1]);
    stub_free(&s);
}

static void respond_registers(const char *req, char *out, size_t cap)
{
    if (strcmp(req, "g") == 0)
        snprintf(out, cap, "0100000000000000ff00000000000000");
    else if (strcmp(req, "p10") == 0)
        snprintf(out, cap, "0010400000000000");
    else if (strncmp(req, "P10=", 4) == 0 || strncmp(req, "Z0,", 3) == 0)
        snprintf(out, cap, "OK");
    else
        snprintf(out, cap, "E02");
}

Test(rsp_conn, registers_and_breakpoints_round_trip)
{
    fake_stub s;
    stub_start(&s, respond_registers);
    uint8_t regs[16], pc[8];
    size_t n;
    cr_assert_eq(rsp_read_registers(conn, regs, sizeof regs, &n), RSP_OK);
    cr_assert_eq(n, 16);
    cr_assert_eq(regs[0], 1);
    cr_assert_eq(regs[8], 0xff);
    cr_assert_eq(rsp_read_register(conn, 16, pc, sizeof pc, &n), RSP_OK);
    cr_assert_eq(n, 8);
    cr_assert_eq(pc[1], 0x10);
    cr_assert_eq(pc[2], 0x40);
    uint64_t newpc = 0x401234;
    cr_assert_eq(rsp_write_register(conn, 16, &newpc, sizeof newpc), RSP_OK);
    cr_assert_eq(rsp_insert_breakpoint(conn, 0x401000), RSP_OK);
    cr_assert_eq(rsp_remove_breakpoint(conn, 0x401000), RSP_ERR_REPLY);
    uint8_t small[4];
    cr_assert_eq(rsp_read_registers(conn, small, sizeof small, &n), RSP_ERR_PROTOCOL);
    stub_finish(&s);
    cr_assert_str_eq(s.requests[2], "P10=3412400000000000");
    cr_assert_str_eq(s.requests[3], "Z0,401000,1");
    cr_assert_str_eq(s.requests[4], "z0,401000,1");
    stub_free(&s);
}

static void respond_stop(const char *req, char *out, size_t cap)
{
    snprintf(out, cap, "%s", strcmp(req, "?") == 0 ? "T05thread:p01.62;" : "");
}

Test(rsp_conn, query_stop_parses_the_reply)
{
    fake_stub s;
    stub_start(&s, respond_stop);
    rsp_stop stop;
    cr_assert_eq(rsp_query_stop(conn, &stop), RSP_OK, "%s", rsp_error(conn));
    cr_assert_eq(stop.signal, 5);
    cr_assert_eq(stop.tid, 0x62);
    stub_finish(&s);
    stub_free(&s);
}

Test(rsp_conn, trace_logs_each_packet_in_both_directions)
{
    char *log = NULL;
    size_t loglen = 0;
    FILE *f = open_memstream(&log, &loglen);
    cr_assert_not_null(f);
    rsp_set_trace(conn, f);
    cr_assert_eq(request_with_reply("m401000,2", "e1f0"), RSP_OK);
    rsp_set_trace(conn, NULL);
    cr_assert_eq(request_with_reply("m401000,2", "e1f0"), RSP_OK);
    fclose(f);
    cr_assert_str_eq(log, "rsp -> m401000,2\nrsp <- e1f0\n");
    free(log);
}

Test(rsp_conn, select_thread_names_the_thread_and_wants_ok)
{
    peer_puts("+");
    peer_send_packet("OK");
    cr_assert_eq(rsp_select_thread(conn, 'g', 0x1, 0x4477), RSP_OK);
    char *sent = peer_drain();
    cr_assert_not_null(strstr(sent, "$Hgp1.4477#"), "sent %s", sent);
    peer_puts("+");
    peer_send_packet("E22");
    cr_assert_eq(rsp_select_thread(conn, 'c', -1, 0x4477), RSP_ERR_REPLY);
    sent = peer_drain();
    cr_assert_not_null(strstr(sent, "$Hc4477#"), "sent %s", sent);
}

Test(rsp_conn, input_pending_sees_unasked_packets_only)
{
    cr_assert_not(rsp_input_pending(conn, 10), "nothing was sent");
    peer_send_packet("T05thread:p01.4478;");
    cr_assert(rsp_input_pending(conn, 1000), "a stop reply nobody asked for");
}
