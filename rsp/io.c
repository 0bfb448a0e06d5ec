/* Socket I/O with deadlines: every wait is a poll() bounded by a deadline. */
#include "rsp_internal.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rsp_deadline rsp_deadline_after(int timeout_ms)
{
    rsp_deadline dl = { .at_ms = -1, .ms = timeout_ms };
    if (timeout_ms >= 0)
        dl.at_ms = now_ms() + timeout_ms;
    return dl;
}

bool rsp_deadline_passed(rsp_deadline dl)
{
    return dl.at_ms >= 0 && now_ms() >= dl.at_ms;
}

static int poll_timeout(rsp_deadline dl)
{
    if (dl.at_ms < 0)
        return -1;
    int64_t left = dl.at_ms - now_ms();
    return left > 0 ? (int)left : 0;
}

/* Waits for readable data and reads what is there into the (empty) input buffer. */
static rsp_status fill_input(rsp_conn *c, rsp_deadline dl)
{
    c->in_pos = c->in_len = 0;
    for (;;) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        int ready = poll(&pfd, 1, poll_timeout(dl));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return rsp_fail(c, RSP_ERR_IO, "poll on the gdb socket failed: %s", strerror(errno));
        if (ready == 0)
            return rsp_fail(c, RSP_ERR_TIMEOUT, "no answer from the stub within %d ms", dl.ms);
        ssize_t n = read(c->fd, c->in, sizeof c->in);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return rsp_fail(c, RSP_ERR_IO, "read from the gdb socket failed: %s", strerror(errno));
        if (n == 0)
            return rsp_fail(c, RSP_ERR_EOF, "target closed the connection");
        c->in_len = (size_t)n;
        c->stats.bytes_received += (uint64_t)n;
        return RSP_OK;
    }
}

rsp_status rsp_io_next_byte(rsp_conn *c, rsp_deadline dl, uint8_t *byte)
{
    if (c->in_pos == c->in_len) {
        rsp_status st = fill_input(c, dl);
        if (st != RSP_OK)
            return st;
    }
    *byte = c->in[c->in_pos++];
    return RSP_OK;
}

/* send() with MSG_NOSIGNAL so a vanished QEMU gives EPIPE instead of killing us;
 * plain write() for descriptors that are not sockets. */
static ssize_t write_some(int fd, const char *p, size_t n)
{
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == ENOTSOCK)
        w = write(fd, p, n);
    return w;
}

rsp_status rsp_io_write(rsp_conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write_some(c->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EPIPE)
            return rsp_fail(c, RSP_ERR_EOF, "target closed the connection");
        if (w < 0)
            return rsp_fail(c, RSP_ERR_IO, "write to the gdb socket failed: %s", strerror(errno));
        p += w;
        len -= (size_t)w;
        c->stats.bytes_sent += (uint64_t)w;
    }
    return RSP_OK;
}

bool rsp_input_pending(rsp_conn *c, int wait_ms)
{
    if (c->in_pos < c->in_len)
        return true;
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r;
    while ((r = poll(&pfd, 1, wait_ms)) < 0 && errno == EINTR)
        ;
    return r > 0;
}
