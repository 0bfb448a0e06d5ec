/* Signals of the QEMU log (-strace), printed when a signal is delivered to the guest:
 *
 *   --- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=NULL} ---
 *   --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=19997, si_uid=0} ---
 *
 * The line does not say which thread receives it (7.2 to 11.1), so .tid is -1.  Names
 * are QEMU's: SIGIOT for 6, a number for the real-time signals. */
#include "engine/trace/qemu_log_internal.h"

typedef struct named { const char *name; int value; } named;

static const named signals[] = {   /* x86-64 Linux numbers */
    { "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGILL", 4 }, { "SIGTRAP", 5 },
    { "SIGIOT", 6 }, { "SIGABRT", 6 }, { "SIGBUS", 7 }, { "SIGFPE", 8 }, { "SIGKILL", 9 },
    { "SIGUSR1", 10 }, { "SIGSEGV", 11 }, { "SIGUSR2", 12 }, { "SIGPIPE", 13 },
    { "SIGALRM", 14 }, { "SIGTERM", 15 }, { "SIGSTKFLT", 16 }, { "SIGCHLD", 17 },
    { "SIGCONT", 18 }, { "SIGSTOP", 19 }, { "SIGTSTP", 20 }, { "SIGTTIN", 21 },
    { "SIGTTOU", 22 }, { "SIGURG", 23 }, { "SIGXCPU", 24 }, { "SIGXFSZ", 25 },
    { "SIGVTALRM", 26 }, { "SIGPROF", 27 }, { "SIGWINCH", 28 }, { "SIGIO", 29 },
    { "SIGPOLL", 29 }, { "SIGPWR", 30 }, { "SIGSYS", 31 },
};

static const named si_codes[] = {
    { "SI_USER", 0 }, { "SI_KERNEL", 0x80 }, { "SI_QUEUE", -1 }, { "SI_TIMER", -2 },
    { "SI_MESGQ", -3 }, { "SI_ASYNCIO", -4 }, { "SI_SIGIO", -5 }, { "SI_TKILL", -6 },
};

static bool lookup(const named *t, size_t nt, const char *name, size_t len, int *value)
{
    for (size_t i = 0; i < nt; i++)
        if (strlen(t[i].name) == len && memcmp(t[i].name, name, len) == 0) {
            *value = t[i].value;
            return true;
        }
    return false;
}

int qlog_signal_number(const char *name, size_t len)
{
    int v = 0;
    lookup(signals, sizeof signals / sizeof *signals, name, len, &v);
    return v;
}

static size_t word_len(const char *p)
{
    size_t n = 0;
    while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
        n++;
    return n;
}

/* A signal as QEMU names it: "SIGSEGV" or "34".  0 when it is neither. */
static int signal_at(const char *p)
{
    uint64_t v;
    if (*p >= '0' && *p <= '9')
        return qlog_dec(p, &v) && v > 0 && v < 1024 ? (int)v : 0;
    return qlog_signal_number(p, word_len(p));
}

/* "si_code=1", "si_code=-6", "si_code=SI_TKILL". */
static bool si_code_at(const char *p, int *code)
{
    uint64_t v;
    bool neg = *p == '-';
    if (p[neg] >= '0' && p[neg] <= '9') {
        if (!qlog_dec(p + neg, &v) || v > 0xffff)
            return false;
        *code = neg ? -(int)v : (int)v;
        return true;
    }
    return lookup(si_codes, sizeof si_codes / sizeof *si_codes, p, word_len(p), code);
}

static const char *field(const char *s, size_t n, const char *key)
{
    const char *f = memmem(s, n, key, strlen(key));
    return f ? f + strlen(key) : NULL;
}

int qlog_parse_signal(qlog_reader *r, size_t n, bool complete, qlog_record *rec)
{
    const char *s = r->buf + r->pos, *f;
    int signo = signal_at(s + 4);
    if (!signo || n < 12 || memcmp(s + n - 4, " ---", 4) != 0 || !memchr(s, '{', n))
        return qlog_malformed(r, n, complete, rec, "bad signal line");
    rec->kind = QLOG_SIGNAL;
    rec->signo = signo;
    rec->tid = -1;
    if ((f = field(s, n, "si_code=")))
        rec->has_si_code = si_code_at(f, &rec->si_code);
    if ((f = field(s, n, "si_addr="))) {
        if (QLOG_STARTS(f, "NULL"))
            rec->has_si_addr = true;
        else if (f[0] == '0' && f[1] == 'x')
            rec->has_si_addr = qlog_hex(f + 2, &rec->si_addr) != NULL;
    }
    qlog_consume(r, n + complete, complete);
    return 1;
}
