/* The QEMU log reader's front: the read buffer and its lines, the dispatch of a line to
 * its parser by its first characters, and the two records of the hot path, "Trace" (a
 * block executed) and "Stopped execution of TB chain" (one that was not).  Lines are
 * parsed in place in one large buffer, with no allocation per record. */
#include "engine/trace/qemu_log_internal.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum {
    QLOG_BUF_INITIAL = 1 << 20,
    QLOG_LINE_MAX = 64 << 20,   /* longer than any line QEMU writes: a broken log */
};

#define HEX_ROW_BAD 0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff, \
                    0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff
const uint8_t qlog_hexval[256] = {
    HEX_ROW_BAD, HEX_ROW_BAD, HEX_ROW_BAD,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    HEX_ROW_BAD,
    0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    HEX_ROW_BAD,
    HEX_ROW_BAD, HEX_ROW_BAD, HEX_ROW_BAD, HEX_ROW_BAD,
    HEX_ROW_BAD, HEX_ROW_BAD, HEX_ROW_BAD, HEX_ROW_BAD,
};

qlog_reader *qlog_open_fd(int fd)
{
    struct stat st;
    qlog_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->is_pipe = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
    if (r->is_pipe)
        fcntl(fd, F_SETPIPE_SZ, 1 << 20);   /* QEMU writes on while the reader waits */
    r->buf = calloc(1, QLOG_BUF_INITIAL + 1 + QLOG_BUF_PAD);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    r->buf[0] = '\0';
    r->cap = QLOG_BUF_INITIAL;
    r->fd = fd;
    r->lineno = 1;
    return r;
}

void qlog_close(qlog_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    qlog_calls_free(r);
    free(r->buf);
    free(r->insns);
    free(r->sym);
    free(r->seen);
    free(r);
}

const char *qlog_error(const qlog_reader *r)
{
    return r->err;
}

void qlog_announce_waiting_calls(qlog_reader *r)
{
    r->announce_waiting = true;
}

bool qlog_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = n;
    return true;
}

/* --- the buffer --------------------------------------------------------- */

/* QEMU writes its log one record per write(2): a reader blocked in read(2) is woken for
 * each, and the two processes then take turns at every record (about one context switch
 * per block executed).  Letting a few pages gather first, while QEMU writes on into a
 * larger pipe, makes the reads large and the wake-ups rare. */
enum { BATCH_BYTES = 32 << 10, BATCH_WAITS = 8 };

static void wait_for_a_batch(qlog_reader *r)
{
    int pending;
    for (int i = 0; r->is_pipe && i < BATCH_WAITS; i++) {
        if (ioctl(r->fd, FIONREAD, &pending) != 0 || pending >= BATCH_BYTES)
            return;
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
            return;    /* QEMU has closed its end: what is there is all */
        nanosleep(&(struct timespec){0, 100 * 1000}, NULL);
    }
}

/* Move the unread data to the front and read more after it; grow the buffer when a
 * single line fills it.  -1 on a read error, with the error set. */
static int fill(qlog_reader *r)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        size_t ncap = r->cap * 2;
        char *nb = ncap <= QLOG_LINE_MAX ? realloc(r->buf, ncap + 1 + QLOG_BUF_PAD) : NULL;
        if (!nb) {
            snprintf(r->err, sizeof r->err, "line %lu: longer than %zu bytes (or out of memory)",
                     r->lineno, r->cap);
            r->read_failed = true;
            return -1;
        }
        r->buf = nb;
        r->cap = ncap;
    }
    wait_for_a_batch(r);
    ssize_t got;
    do
        got = read(r->fd, r->buf + r->len, r->cap - r->len);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        snprintf(r->err, sizeof r->err, "reading the log after line %lu: %s", r->lineno,
                 strerror(errno));
        r->read_failed = true;
        return -1;
    }
    if (got == 0)
        r->eof = true;
    r->len += (size_t)got;
    memset(r->buf + r->len, 0, 1 + QLOG_BUF_PAD);
    return 0;
}

int qlog_line_at(qlog_reader *r, size_t off, size_t *n, bool *complete)
{
    size_t scanned = 0;
    for (;;) {
        const char *start = r->buf + r->pos + off;
        size_t avail = r->len - r->pos - off;
        const char *nl = memchr(start + scanned, '\n', avail - scanned);
        if (nl) {
            *n = (size_t)(nl - start);
            *complete = true;
            return 1;
        }
        scanned = avail;
        if (r->eof) {
            *n = avail;
            *complete = false;
            return avail > 0;
        }
        if (fill(r) < 0)
            return -1;
    }
}

void qlog_read_ahead(qlog_reader *r, size_t want)
{
    struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
    while (!r->eof && !r->read_failed && r->len - r->pos < want && poll(&pfd, 1, 0) > 0)
        if (fill(r) < 0)
            return;
}

void qlog_consume(qlog_reader *r, size_t upto, unsigned newlines)
{
    r->pos += upto;
    if (r->pos > r->len)
        r->pos = r->len;
    r->lineno += newlines;
}

/* Consume the line at pos (n bytes) and its newline if it has one. */
static void consume_line(qlog_reader *r, size_t n, bool complete)
{
    qlog_consume(r, n + complete, complete);
}

int qlog_other(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    char *s = r->buf + r->pos;
    s[n] = '\0';   /* the newline, or the '\0' after the data */
    rec->kind = QLOG_OTHER;
    rec->line = s;
    rec->truncated = !complete;
    consume_line(r, n, complete);
    return 1;
}

int qlog_malformed(qlog_reader *r, size_t n, bool complete, qlog_record *rec, const char *what)
{
    if (!complete)
        return qlog_other(r, n, complete, rec);
    snprintf(r->err, sizeof r->err, "line %lu: %s: %.*s", r->lineno, what,
             (int)(n < 120 ? n : 120), r->buf + r->pos);
    if (r->keep_malformed) {
        rec->malformed = true;
        return qlog_other(r, n, complete, rec);
    }
    consume_line(r, n, complete);
    return -1;
}


/* --- "Trace" and "Stopped execution" ------------------------------------ */

/* The host address of translated code as %p prints it. */
static const char *host_ptr(const char *p, uint64_t *v)
{
    if (QLOG_STARTS(p, "(nil)")) {
        *v = 0;
        return p + 5;
    }
    if (p[0] != '0' || p[1] != 'x')
        return NULL;
    return qlog_hex(p + 2, v);
}

/* Remember vCPU's latest block, so that a "Stopped execution" line can name its vCPU. */
static void note_exec(qlog_reader *r, int vcpu, uint64_t tb)
{
    if ((size_t)vcpu >= r->nseen) {
        size_t cap = r->nseen;
        if (vcpu >= 4096 || !qlog_grow((void **)&r->seen, &cap, (size_t)vcpu + 1, sizeof *r->seen))
            return;   /* only the vCPU of a stopped chain would be unknown */
        memset(r->seen + r->nseen, 0, (cap - r->nseen) * sizeof *r->seen);
        r->nseen = cap;
    }
    r->seen[vcpu].tb = tb;
    r->seen[vcpu].seq = ++r->seq;
}

static int vcpu_of_stopped(const qlog_reader *r, uint64_t tb)
{
    int best = -1;
    uint64_t best_seq = 0;
    for (size_t i = 0; i < r->nseen; i++)
        if (r->seen[i].seq > best_seq && r->seen[i].tb == tb) {
            best = (int)i;
            best_seq = r->seen[i].seq;
        }
    return best;
}

/* Past a field whose value is not needed, ending at delim: where QEMU's widths (8 or 16)
 * put the delimiter, its digits are not even looked at. */
static const char *skip_field(const char *p, char delim)
{
    if (p[8] == delim)
        return p + 8;
    if (p[16] == delim)
        return p + 16;
    const char *e = qlog_skip_hex(p);
    return e && *e == delim ? e : NULL;
}

/* "Trace 0: 0x7f5710000100 [0000000000000000/0000000000401030/1040c0b3/00000200] sym".
 * The first field is 16 digits wide in 7.2, 8 in 10.0 and 11.1; the usual widths are
 * read at once, any other digit by digit.  This line is most of a log: keep it cheap. */
static int parse_exec(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    char *s = r->buf + r->pos;
    const char *p = s + 6;
    uint64_t vcpu;
    if (!(p = qlog_dec(p, &vcpu)) || vcpu > INT_MAX || p[0] != ':' || p[1] != ' '
        || p[2] != '0' || p[3] != 'x' || !(p = qlog_hex_field(p + 4, ' ', &rec->tb))
        || p[1] != '['
        || !(p = skip_field(p + 2, '/'))                       /* cs_base */
        || !(p = qlog_hex_field(p + 1, '/', &rec->pc))
        || !(p = skip_field(p + 1, '/'))                       /* flags */
        || !(p = skip_field(p + 1, ']')))                      /* cflags */
        return qlog_malformed(r, n, complete, rec, "bad exec line");
    p++;
    if (*p == ' ')
        p++;
    s[n] = '\0';
    rec->kind = QLOG_EXEC;
    rec->vcpu = (int)vcpu;
    rec->symbol = p;
    rec->truncated = !complete;
    note_exec(r, rec->vcpu, rec->tb);
    consume_line(r, n, complete);
    return 1;
}

#define STOPPED "Stopped execution of TB chain before "

/* "Stopped execution of TB chain before 0x7ff1f1600980 [0000000000401110] sym": the
 * block entered last at that host address was left before its first instruction. */
static int parse_stopped(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    const char *p = r->buf + r->pos + sizeof STOPPED - 1;
    uint64_t tb, pc;
    if (!(p = host_ptr(p, &tb)) || p[0] != ' ' || p[1] != '['
        || !(p = qlog_hex(p + 2, &pc)) || *p != ']')
        return qlog_malformed(r, n, complete, rec, "bad stopped-execution line");
    rec->exec_stopped = true;
    rec->tb = tb;
    rec->pc = pc;
    rec->vcpu = vcpu_of_stopped(r, tb);
    return qlog_other(r, n, complete, rec);
}

static bool is_dashes(const char *s, size_t n)
{
    return n == 16 && QLOG_STARTS(s, "----------------");
}

/* Route the line at pos by its first characters. */
static int parse_line(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    const char *s = r->buf + r->pos;
    switch (s[0]) {
    case 'T':
        if (QLOG_STARTS(s, "Trace "))
            return parse_exec(r, n, complete, rec);
        break;
    case '-':
        if (is_dashes(s, n))
            return qlog_parse_block(r, rec);
        if (QLOG_STARTS(s, "--- "))
            return qlog_parse_signal(r, n, complete, rec);
        break;
    case ' ':
        if (QLOG_STARTS(s, " = "))
            return qlog_parse_result_line(r, n, complete, rec);
        break;
    case 'S':
        if (QLOG_STARTS(s, STOPPED))
            return parse_stopped(r, n, complete, rec);
        break;
    default:
        if (s[0] >= '0' && s[0] <= '9')
            return qlog_parse_syscall(r, n, complete, rec);
        break;
    }
    return qlog_other(r, n, complete, rec);
}

/* Every field to its "not given" value.  Field by field, leaving the arrays a system
 * call fills (name, args, argstr: meaningful up to nargs) alone: clearing all 264 bytes
 * took a quarter of the time of a "Trace" line. */
static void blank(qlog_record *rec)
{
    rec->kind = QLOG_OTHER;
    rec->vcpu = -1;
    rec->pc = 0;
    rec->insns = NULL;
    rec->ninsns = 0;
    rec->tid = -1;
    rec->name[0] = '\0';
    rec->nargs = 0;
    rec->has_result = false;
    rec->result = 0;
    rec->signo = rec->si_code = 0;
    rec->has_si_code = false;
    rec->line = NULL;
    rec->tb = 0;
    rec->symbol = "";
    rec->exec_stopped = rec->block_incomplete = rec->truncated = false;
    rec->numeric_args = 0;
    rec->returned = rec->result_ambiguous = rec->fork_child = rec->malformed = false;
    rec->nr = -1;
    rec->call_id = 0;
    rec->has_si_addr = false;
    rec->si_addr = 0;
}

int qlog_next(qlog_reader *r, qlog_record *rec)
{
    if (r->read_failed)
        return -1;
    for (;;) {
        size_t n;
        bool complete;
        int due = qlog_announce_due(r, rec);
        if (due != 0)
            return due;
        int got = qlog_line_at(r, 0, &n, &complete);
        if (got < 0)
            return -1;
        blank(rec);
        if (got == 0)
            return qlog_flush_pending(r, rec);
        int res = parse_line(r, n, complete, rec);
        if (res != 0)
            return res;
    }
}
