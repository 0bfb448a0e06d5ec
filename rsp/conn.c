/* Connection lifecycle, settings and the error string. */
#include "rsp_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { CONNECT_RETRY_MS = 5 };

rsp_status rsp_fail(rsp_conn *c, rsp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return st;
}

rsp_conn *rsp_from_fd(int fd)
{
    rsp_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return NULL;
    }
    c->fd = fd;
    c->reply_timeout_ms = RSP_DEFAULT_REPLY_TIMEOUT_MS;
    c->packet_size = RSP_DEFAULT_PACKET_SIZE;
    c->frame_state = RSP_FRAME_HUNT;
    return c;
}

/* One attempt; returns the fd or -1 with errno set. */
static int try_connect(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
        return fd;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* The socket file is missing until QEMU binds it and refuses until it listens. */
static bool worth_retrying(int err)
{
    return err == ENOENT || err == ECONNREFUSED || err == EAGAIN || err == EINTR;
}

rsp_conn *rsp_connect_unix(const char *path, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "socket path too long (max %zu bytes): %s",
                 sizeof sa.sun_path - 1, path);
        return NULL;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    const struct timespec pause = { 0, CONNECT_RETRY_MS * 1000000L };
    rsp_deadline dl = rsp_deadline_after(timeout_ms);
    for (;;) {
        int fd = try_connect(&sa);
        if (fd >= 0) {
            rsp_conn *c = rsp_from_fd(fd);
            if (!c)
                snprintf(err, errlen, "out of memory");
            return c;
        }
        if (!worth_retrying(errno) || rsp_deadline_passed(dl)) {
            snprintf(err, errlen, "cannot connect to %s within %d ms: %s", path, timeout_ms,
                     strerror(errno));
            return NULL;
        }
        nanosleep(&pause, NULL);
    }
}

void rsp_close(rsp_conn *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c);
}

int rsp_fd(const rsp_conn *c)
{
    return c->fd;
}

void rsp_set_trace(rsp_conn *c, FILE *f)
{
    c->trace = f;
}

void rsp_set_reply_timeout(rsp_conn *c, int timeout_ms)
{
    c->reply_timeout_ms = timeout_ms;
}

const char *rsp_error(const rsp_conn *c)
{
    return c ? c->err : "no connection";
}

const rsp_stats *rsp_get_stats(const rsp_conn *c)
{
    return &c->stats;
}

size_t rsp_packet_size(const rsp_conn *c)
{
    return c->packet_size;
}
