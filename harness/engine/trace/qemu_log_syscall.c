/* System calls of the QEMU log (-strace): "17672 name(args) = result".
 *
 * QEMU writes the call and its result in two writes.  When another thread logs in
 * between (the call blocks, or is merely overtaken), that thread's record is glued
 * after the call on the same line and the result comes later on a line of its own,
 * which names no thread:
 *
 *   17672 futex(0x402000,FUTEX_WAIT,17674,NULL,NULL,0)Trace 1: 0x7f94b8000100 [...]
 *   17674 exit(0)
 *    = 0
 *
 * Such a call waits in r->pend and is returned when a result is given to it.  exit,
 * exit_group and _exit print their own newline and never return; a call still waiting
 * at the end of the log (execve that worked, a thread killed while blocked) is returned
 * then, without a result.  fork (and clone without CLONE_VM) returns twice, in the parent
 * and in the child: both are returned.
 *
 * Arguments are printed as numbers, flag names, "strings" (raw: QEMU escapes neither
 * quotes nor newlines in paths), {structures}, [sets] and (nil); they are split at the
 * commas outside these. */
#include "engine/trace/qemu_log_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    CLONE_VM_FLAG = 0x100,
    CLONE_VFORK_FLAG = 0x4000,
    JOINED_LINES_MAX = 64,   /* newlines inside one call's strings before it is garbage */
    LOOKAHEAD_MAX = 64 << 10,   /* bytes read ahead to see whose a result line is */
    CANDIDATES_MAX = 64,
};

static const char *const never_return[] = { "exit", "exit_group", "_exit" };

/* Calls that may wait for another thread or for time: not the likely owner of a result
 * line when a call that does not block is also waiting. */
static const char *const blocking[] = {
    "futex", "nanosleep", "clock_nanosleep", "wait4", "waitid", "read", "readv",
    "pread64", "preadv", "poll", "ppoll", "select", "_newselect", "pselect6",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "accept", "accept4", "recvfrom",
    "recvmsg", "recvmmsg", "connect", "pause", "rt_sigsuspend", "rt_sigtimedwait",
    "msgrcv", "semop", "semtimedop", "mq_timedreceive", "flock", "sched_yield",
};

static bool name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

bool qlog_has_flag(const char *argstr, const char *flag)
{
    size_t fl = strlen(flag);
    for (const char *p = argstr; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == fl && memcmp(p, flag, fl) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

/* --- arguments ------------------------------------------------------------ */

typedef struct arg_scan {
    size_t close;      /* offset from pos of the ')' that ends the call */
    size_t end;        /* offset of the end of the physical line holding it */
    bool complete;     /* that line has its newline */
    unsigned lines;    /* newlines inside the call (in strings) */
    int count;         /* arguments printed */
    size_t off[QLOG_MAX_ARGS], len[QLOG_MAX_ARGS];
} arg_scan;

static void add_arg(arg_scan *sc, size_t start, size_t stop)
{
    if (sc->count < QLOG_MAX_ARGS) {
        sc->off[sc->count] = start;
        sc->len[sc->count] = stop - start;
    }
    sc->count++;
}

/* QEMU does not escape quotes in strings, so the quote that ends one is recognised by
 * what follows it: what may follow an argument, or the "..." of a shortened buffer. */
static bool closes_string(const char *after)
{
    switch (after[0]) {
    case ',': case ')': case '}': case ']': case '\n': case '\0':
        return true;
    case '.':
        return after[1] == '.' && after[2] == '.';
    default:
        return false;
    }
}

/* Find the arguments and the ')' closing the '(' at offset open of the line at pos,
 * which ends at offset end.  A string still open at the end of the line had a newline
 * in it: the scan goes on with the next line.  1 found; 0 the call is not terminated;
 * -1 read error. */
static int scan_args(qlog_reader *r, size_t open, size_t end, bool complete, arg_scan *sc)
{
    int depth = 0;
    bool instr = false;
    size_t argstart = open + 1;
    sc->count = 0;
    sc->lines = 0;
    for (size_t i = open + 1;; i++) {
        if (i == end) {
            size_t n2;
            sc->complete = complete;   /* false: the log ended inside the call */
            if (!instr || !complete || sc->lines == JOINED_LINES_MAX)
                return 0;
            int got = qlog_line_at(r, end + 1, &n2, &complete);
            sc->complete = false;
            if (got <= 0)
                return got;
            sc->lines++;
            end = end + 1 + n2;
            continue;   /* the newline itself belongs to the string */
        }
        const char *c = r->buf + r->pos + i;
        if (instr) {
            instr = !(*c == '"' && closes_string(c + 1));
            continue;
        }
        switch (*c) {
        case '"':
            instr = true;
            break;
        case '(': case '{': case '[':
            depth++;
            break;
        case '}': case ']':
            depth -= depth > 0;
            break;
        case ',':
            if (depth == 0) {
                add_arg(sc, argstart, i);
                argstart = i + 1;
            }
            break;
        case ')':
            if (depth > 0) {
                depth--;
                break;
            }
            if (sc->count > 0 || i > argstart)
                add_arg(sc, argstart, i);
            sc->close = i;
            sc->end = end;
            sc->complete = complete;
            return 1;
        }
    }
}

static bool octal(const char *p, const char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '7' || x >> 61)
            return false;
        x = x << 3 | (uint64_t)(*p - '0');
    }
    *v = x;
    return true;
}

/* The value of an argument's text (NUL-terminated, len bytes), when it has one:
 * decimal (QEMU 7.2 prints unknown arguments as signed decimals), 0x hex, 0644 octal
 * (file modes), NULL, (nil), a signal name, any of these after "name=". */
static bool arg_value(const char *t, size_t len, uint64_t *v)
{
    const char *end = t + len, *p = t, *e;
    uint64_t x = 0;
    *v = 0;
    while (p < end && (islower((unsigned char)*p) || *p == '_'))
        p++;
    if (p > t && p < end && *p == '=') {   /* clone's "child_stack=0x...": the value */
        t = p + 1;
        len = (size_t)(end - t);
    }
    p = t;
    if ((len == 4 && QLOG_STARTS(t, "NULL")) || (len == 5 && QLOG_STARTS(t, "(nil)")))
        return true;
    if (len > 3 && QLOG_STARTS(t, "SIG"))
        return (*v = (uint64_t)qlog_signal_number(t, len)) != 0;
    bool neg = *p == '-';
    p += neg;
    if (p[0] == '0' && p[1] == 'x')
        e = qlog_hex(p + 2, &x);
    else if (p[0] == '0' && p + 1 < end)
        e = octal(p + 1, end, &x) ? end : NULL;
    else
        e = qlog_dec(p, &x);
    if (!e || e != end)
        return false;
    *v = neg ? 0 - x : x;
    return true;
}

/* --- calls ---------------------------------------------------------------- */

static bool forking(const qlog_call *c)
{
    const qlog_record *cr = &c->rec;
    if (strcmp(cr->name, "fork") == 0 || strcmp(cr->name, "vfork") == 0)
        return true;
    if (strcmp(cr->name, "clone") != 0 || cr->nargs < 1)
        return false;
    /* QEMU runs CLONE_VFORK as a fork, and a clone without CLONE_VM as one. */
    if (cr->numeric_args & 1)
        return !(cr->args[0] & CLONE_VM_FLAG) || (cr->args[0] & CLONE_VFORK_FLAG);
    const char *flags = c->text + c->argofs[0];
    return !qlog_has_flag(flags, "CLONE_VM") || qlog_has_flag(flags, "CLONE_VFORK");
}

static bool reserve_text(qlog_call *c, size_t need)
{
    return qlog_grow((void **)&c->text, &c->textcap, need, 1);
}

/* Fill r->out from the call at pos: name, thread, argument texts and values. */
static bool fill_call(qlog_reader *r, const char *name, size_t namelen, int64_t tid,
                      const arg_scan *sc)
{
    qlog_call *c = &r->out;
    const char *s = r->buf + r->pos;
    int nargs = sc->count < QLOG_MAX_ARGS ? sc->count : QLOG_MAX_ARGS;
    size_t total = 1;
    for (int i = 0; i < nargs; i++)
        total += sc->len[i] + 1;
    if (!reserve_text(c, total))
        return false;
    c->rec = (qlog_record){ .kind = QLOG_SYSCALL, .vcpu = -1, .tid = tid, .nr = -1,
                            .symbol = "", .nargs = nargs, .call_id = ++r->calls };
    memcpy(c->rec.name, name, namelen);
    size_t at = 0;
    for (int i = 0; i < nargs; i++) {
        c->argofs[i] = at;
        memcpy(c->text + at, s + sc->off[i], sc->len[i]);
        c->text[at + sc->len[i]] = '\0';
        if (arg_value(c->text + at, sc->len[i], &c->rec.args[i]))
            c->rec.numeric_args |= 1u << i;
        at += sc->len[i] + 1;
    }
    c->text[at] = '\0';
    c->textlen = at + 1;
    c->caller_tid = tid;
    c->blocking = name_in(c->rec.name, blocking, sizeof blocking / sizeof *blocking);
    c->forking = forking(c);
    c->fork_other = false;
    c->announce_due = r->announce_waiting;
    /* From a fork on two processes write the log, and a line may come cut by the other's
     * (QEMU before 10 writes a call's arguments one by one): no reason to stop reading. */
    if (c->forking)
        r->keep_malformed = true;
    return true;
}

/* Copy call c (r->out or a waiting one) into *rec, its texts into r->out's buffer. */
static bool emit(qlog_reader *r, const qlog_call *c, qlog_record *rec)
{
    if (c != &r->out) {
        if (!reserve_text(&r->out, c->textlen))
            return false;
        memcpy(r->out.text, c->text, c->textlen);
    }
    *rec = c->rec;
    for (int i = 0; i < rec->nargs; i++)
        rec->argstr[i] = r->out.text + c->argofs[i];
    return true;
}

/* Make a copy of c wait for its result (text copied: c may be returned meanwhile). */
static bool push_pending(qlog_reader *r, const qlog_call *c)
{
    size_t old = r->cappend;
    if (!qlog_grow((void **)&r->pend, &r->cappend, r->npend + 1, sizeof *r->pend))
        return false;
    memset(r->pend + old, 0, (r->cappend - old) * sizeof *r->pend);
    qlog_call *slot = &r->pend[r->npend];
    char *text = slot->text;
    size_t cap = slot->textcap;
    *slot = *c;
    slot->text = text;
    slot->textcap = cap;
    if (!reserve_text(slot, c->textlen))
        return false;
    memcpy(slot->text, c->text, c->textlen);
    r->npend++;
    r->announce_due |= slot->announce_due;
    return true;
}

static void drop_pending(qlog_reader *r, size_t i)
{
    qlog_call gone = r->pend[i];
    memmove(&r->pend[i], &r->pend[i + 1], (r->npend - i - 1) * sizeof *r->pend);
    r->pend[--r->npend] = gone;   /* keeps its text buffer for the next one */
}

void qlog_calls_free(qlog_reader *r)
{
    for (size_t i = 0; i < r->cappend; i++)
        free(r->pend[i].text);
    free(r->pend);
    free(r->out.text);
}

static int out_of_memory(qlog_reader *r)
{
    snprintf(r->err, sizeof r->err, "line %lu: out of memory", r->lineno);
    return -1;
}

int qlog_announce_due(qlog_reader *r, qlog_record *rec)
{
    if (!r->announce_due)
        return 0;
    for (size_t i = 0; i < r->npend; i++) {
        qlog_call *c = &r->pend[i];
        if (!c->announce_due)
            continue;
        c->announce_due = false;
        if (!emit(r, c, rec))
            return out_of_memory(r);
        rec->kind = QLOG_SYSCALL_WAITING;
        return 1;
    }
    r->announce_due = false;
    return 0;
}

/* " = 0", " = 0x00007f94c5d6d000", " = -1 errno=22 (Invalid argument)",
 * " = 0 ({rlim_cur=8388608,rlim_max=-1})", " = " (wait4 that stored a status). */
static void parse_result(const char *p, qlog_record *rec)
{
    uint64_t v;
    rec->returned = true;
    if (QLOG_STARTS(p, "-1 errno=")) {
        if (qlog_dec(p + 9, &v)) {
            rec->has_result = true;
            rec->result = -(int64_t)v;
        }
        return;
    }
    bool neg = *p == '-';
    p += neg;
    if (!(p[0] == '0' && p[1] == 'x' ? qlog_hex(p + 2, &v) : qlog_dec(p, &v)))
        return;
    rec->has_result = true;
    rec->result = (int64_t)(neg ? 0 - v : v);
}

static void note_new_thread(qlog_reader *r, const qlog_call *c)
{
    const qlog_record *cr = &c->rec;
    if (strcmp(cr->name, "clone") == 0 && !c->forking && cr->has_result && cr->result > 0)
        r->new_tids[r->nnew++ % 8] = cr->result;
}

/* A call of a thread tells that the call it was still said to wait in had returned: its
 * result line was given to another call.  Only where calls name their thread: learnt
 * when a call comes from a thread clone created (before 9.2 all name the process). */
static ptrdiff_t stale_call(qlog_reader *r, int64_t tid)
{
    for (unsigned i = 0; !r->per_thread_tids && i < 8 && i < r->nnew; i++)
        r->per_thread_tids = r->new_tids[i] == tid;
    if (!r->per_thread_tids)
        return -1;
    for (size_t i = 0; i < r->npend; i++)
        if (r->pend[i].caller_tid == tid && !r->pend[i].fork_other)
            return (ptrdiff_t)i;
    return -1;
}

/* Return call c (r->out, or the waiting call at idx) now that a result came for it.
 * The first return of a fork is returned and the call waits for the second. */
static int finish(qlog_reader *r, qlog_call *c, size_t idx, bool waiting, qlog_record *rec)
{
    qlog_record *cr = &c->rec;
    bool second = c->fork_other;
    bool first = !second && c->forking && cr->has_result && cr->result >= 0;
    if ((first || second) && cr->has_result) {
        int64_t other = second ? c->first_result : -1;
        cr->fork_child = cr->result == 0;
        cr->tid = cr->fork_child ? (other > 0 ? other : -1) : c->caller_tid;
    }
    if (!emit(r, c, rec))
        return out_of_memory(r);
    note_new_thread(r, c);
    if (first) {
        if (!waiting && !push_pending(r, c))
            return out_of_memory(r);
        qlog_call *w = waiting ? &r->pend[idx] : &r->pend[r->npend - 1];
        w->fork_other = true;
        w->announce_due = false;   /* its second return is not a call of a thread */
        w->first_result = cr->result;
        w->rec.returned = w->rec.has_result = w->rec.fork_child = false;
        w->rec.result_ambiguous = w->rec.truncated = false;
        w->rec.result = 0;
        w->rec.tid = w->caller_tid;
    } else if (waiting) {
        drop_pending(r, idx);
    }
    return 1;
}

/* Results some calls cannot have, to tell whose a result line is. */
static const char *const zero_or_error[] = {
    "nanosleep", "clock_nanosleep", "mprotect", "munmap", "madvise", "close",
    "rt_sigaction", "rt_sigprocmask", "sigaltstack", "set_robust_list", "arch_prctl",
    "tgkill", "tkill", "kill", "execve",
};
static const char *const never_zero[] = {
    "mmap", "gettid", "getpid", "getppid", "set_tid_address", "brk",
};

static bool plausible(const qlog_call *c, const qlog_record *res)
{
    if (!res->has_result || res->result < 0)
        return true;
    if (c->fork_other)   /* one return of a fork is 0 (the child), the other is not */
        return (c->first_result == 0) != (res->result == 0);
    if (res->result == 0)
        return !name_in(c->rec.name, never_zero, sizeof never_zero / sizeof *never_zero)
               && !(strcmp(c->rec.name, "clone") == 0 && !c->forking);
    return !name_in(c->rec.name, zero_or_error, sizeof zero_or_error / sizeof *zero_or_error);
}

/* The first of the threads `tids` to start a call in the next lines, as far as they
 * can be read without waiting: a thread's result is printed before its next call, and QEMU 9.2 on
 * prints the result just before the thread goes on, so the first of them to go on
 * most likely owns the result line just read.  -1: none in sight. */
static int64_t next_caller(qlog_reader *r, const int64_t *tids, size_t ntids)
{
    qlog_read_ahead(r, LOOKAHEAD_MAX);
    const char *p = r->buf + r->pos, *end = r->buf + r->len;
    if (end - p > LOOKAHEAD_MAX)
        end = p + LOOKAHEAD_MAX;
    while (p < end) {
        uint64_t tid;
        const char *e = qlog_dec(p, &tid);
        if (e && *e == ' ' && (isalpha((unsigned char)e[1]) || e[1] == '_'))
            for (size_t i = 0; i < ntids; i++)
                if (tids[i] == (int64_t)tid)
                    return tids[i];
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        p = nl + 1;
    }
    return -1;
}

/* Whose result is it: r->out's, the call it follows on the line (glued; -1), or a
 * waiting call's (its index)?  Only calls that can have this result count.  A call
 * that does not block usually returns at once, so a result right after it is its own.
 * Otherwise, when calls name their thread, the first of the candidates' threads to start
 * another call owns it.  Else it goes to the latest waiting call that does not block (it
 * was only overtaken: seen with clone, "T2 clock_nanosleep(...) = T3"), else to the call
 * it follows, else to the oldest waiting. */
static ptrdiff_t choose(qlog_reader *r, bool glued, const qlog_record *res, bool *ambiguous)
{
    bool own = glued && plausible(&r->out, res);
    *ambiguous = false;
    if (own && !r->out.blocking)
        return -1;
    int64_t tids[CANDIDATES_MAX];
    size_t ntids = 0, nplausible = own;
    if (own)
        tids[ntids++] = r->out.caller_tid;
    ptrdiff_t newest_quick = -1, oldest = -1;
    for (size_t i = 0; i < r->npend; i++) {
        if (!plausible(&r->pend[i], res))
            continue;
        nplausible++;
        if (ntids < CANDIDATES_MAX)
            tids[ntids++] = r->pend[i].caller_tid;
        if (oldest < 0)
            oldest = (ptrdiff_t)i;
        if (!r->pend[i].blocking)
            newest_quick = (ptrdiff_t)i;
    }
    *ambiguous = nplausible > 1;
    int64_t next = *ambiguous && r->per_thread_tids ? next_caller(r, tids, ntids) : -1;
    if (next >= 0 && own && next == r->out.caller_tid)
        return -1;
    for (size_t i = 0; next >= 0 && i < r->npend; i++)
        if (r->pend[i].caller_tid == next && plausible(&r->pend[i], res))
            return (ptrdiff_t)i;
    if (newest_quick >= 0)
        return newest_quick;
    if (own)
        return -1;
    if (oldest >= 0)
        return oldest;
    *ambiguous = true;   /* nobody can have it: go by the line alone */
    return glued ? -1 : (ptrdiff_t)r->npend - 1;
}

static void set_result(qlog_call *c, const qlog_record *res, bool ambiguous, bool complete)
{
    c->rec.returned = res->returned;
    c->rec.has_result = res->has_result;
    c->rec.result = res->result;
    c->rec.result_ambiguous = ambiguous;
    c->rec.truncated = !complete;
}

/* " = result" at text res: right after the call in r->out (glued) or alone on a line. */
static int give_result(qlog_reader *r, bool glued, const char *text, bool complete,
                       qlog_record *rec)
{
    qlog_record res = { .returned = false };
    bool ambiguous;
    parse_result(text, &res);
    ptrdiff_t idx = choose(r, glued, &res, &ambiguous);
    if (idx < 0) {
        set_result(&r->out, &res, ambiguous, complete);
        return finish(r, &r->out, 0, false, rec);
    }
    if (glued && !push_pending(r, &r->out))   /* it goes on waiting for its own */
        return out_of_memory(r);
    set_result(&r->pend[idx], &res, ambiguous, complete);
    return finish(r, &r->pend[idx], (size_t)idx, true, rec);
}

/* "17672 Unknown syscall 435": a number QEMU has no name for; it prints no result. */
static int unknown_syscall(qlog_reader *r, size_t n, bool complete, int64_t tid,
                           const char *p, qlog_record *rec)
{
    uint64_t nr;
    const char *e = qlog_dec(p + 16, &nr);
    if (!e || (*e != '\n' && *e != '\0'))
        return qlog_malformed(r, n, complete, rec, "bad unknown system call");
    *rec = (qlog_record){ .kind = QLOG_SYSCALL, .vcpu = -1, .tid = tid, .nr = (int64_t)nr,
                          .symbol = "", .name = "Unknown syscall" };
    qlog_consume(r, n + complete, complete);
    return 1;
}

int qlog_parse_syscall(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    const char *s = r->buf + r->pos, *p;
    uint64_t tid;
    if (!(p = qlog_dec(s, &tid)) || *p != ' ' || tid > INT64_MAX)
        return qlog_other(r, n, complete, rec);
    p++;
    if (QLOG_STARTS(p, "Unknown syscall "))
        return unknown_syscall(r, n, complete, (int64_t)tid, p, rec);
    const char *name = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    size_t namelen = (size_t)(p - name);
    if (namelen == 0 || *p != '(')
        return qlog_other(r, n, complete, rec);
    if (namelen >= sizeof rec->name)
        return qlog_malformed(r, n, complete, rec, "system call name too long");
    ptrdiff_t stale = stale_call(r, (int64_t)tid);
    if (stale >= 0) {   /* return it first; this line is read again by the next call */
        qlog_call *c = &r->pend[stale];
        c->rec.returned = c->rec.result_ambiguous = true;
        if (!emit(r, c, rec))
            return out_of_memory(r);
        drop_pending(r, (size_t)stale);
        return 1;
    }
    size_t nameoff = (size_t)(name - s);
    arg_scan sc;
    int k = scan_args(r, (size_t)(p - s), n, complete, &sc);
    if (k < 0)
        return -1;
    if (k == 0)
        return qlog_malformed(r, n, sc.complete, rec, "unterminated system call");
    s = r->buf + r->pos;   /* the scan may have moved the buffer */
    if (!fill_call(r, s + nameoff, namelen, (int64_t)tid, &sc))
        return out_of_memory(r);
    const char *after = s + sc.close + 1;
    if (QLOG_STARTS(after, " = ")) {
        qlog_consume(r, sc.end + sc.complete, sc.lines + sc.complete);
        return give_result(r, true, after + 3, sc.complete, rec);
    }
    bool line_ends = sc.close + 1 == sc.end;
    if (line_ends && name_in(r->out.rec.name, never_return,
                             sizeof never_return / sizeof *never_return)) {
        qlog_consume(r, sc.end + sc.complete, sc.lines + sc.complete);
        return emit(r, &r->out, rec) ? 1 : out_of_memory(r);
    }
    if (!push_pending(r, &r->out))
        return out_of_memory(r);
    if (line_ends)
        qlog_consume(r, sc.end + sc.complete, sc.lines + sc.complete);
    else
        qlog_consume(r, sc.close + 1, sc.lines);   /* another record is glued after it */
    return 0;
}

int qlog_parse_result_line(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    if (r->npend == 0)
        return qlog_other(r, n, complete, rec);   /* a return no call waits for */
    const char *text = r->buf + r->pos + 3;
    qlog_consume(r, n + complete, complete);
    return give_result(r, false, text, complete, rec);
}

int qlog_flush_pending(qlog_reader *r, qlog_record *rec)
{
    while (r->npend > 0) {
        if (r->pend[0].fork_other) {   /* the other return of a fork never showed */
            drop_pending(r, 0);
            continue;
        }
        if (!emit(r, &r->pend[0], rec))
            return out_of_memory(r);
        drop_pending(r, 0);
        return 1;
    }
    return 0;
}

bool qlog_fork_in_progress(const qlog_reader *r)
{
    for (size_t i = 0; i < r->npend; i++)
        if (r->pend[i].forking)
            return true;
    return false;
}
