/* Stop reply parsing: T/S (signal), W (exited), X (killed by a signal). */
#include "rsp_internal.h"

#include <string.h>

typedef struct span {
    const char *p;
    size_t n;
} span;

/* Hex number, or "-1" (GDB's "all threads"). */
static bool parse_id(span s, int64_t *out)
{
    uint64_t v;
    if (s.n == 2 && s.p[0] == '-' && s.p[1] == '1') {
        *out = -1;
        return true;
    }
    if (!rsp_parse_hex_u64(s.p, s.n, &v) || v > INT64_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

/* "pPID.TID", "pPID" or "TID". */
static bool parse_thread(span v, rsp_stop *out)
{
    out->has_thread = true;
    if (v.n == 0 || v.p[0] != 'p')
        return parse_id(v, &out->tid);
    const char *dot = memchr(v.p, '.', v.n);
    span pid = { v.p + 1, dot ? (size_t)(dot - v.p - 1) : v.n - 1 };
    if (!parse_id(pid, &out->pid))
        return false;
    if (!dot)
        return true;
    span tid = { dot + 1, v.n - (size_t)(dot + 1 - v.p) };
    return parse_id(tid, &out->tid);
}

static bool parse_syscall(span v, rsp_stop *out, bool is_return)
{
    uint64_t nr;
    if (!rsp_parse_hex_u64(v.p, v.n, &nr) || nr > INT32_MAX)
        return false;
    out->has_syscall = true;
    out->syscall_return = is_return;
    out->syscall_nr = (int)nr;
    return true;
}

static bool parse_syscall_entry(span v, rsp_stop *out) { return parse_syscall(v, out, false); }
static bool parse_syscall_return(span v, rsp_stop *out) { return parse_syscall(v, out, true); }
static bool parse_process(span v, rsp_stop *out) { return parse_id(v, &out->pid); }

static const struct stop_key {
    const char *name;
    bool (*parse)(span value, rsp_stop *out);
} stop_keys[] = {
    { "thread", parse_thread },
    { "syscall_entry", parse_syscall_entry },
    { "syscall_return", parse_syscall_return },
    { "process", parse_process },
};

static bool parse_pair(span pair, rsp_stop *out)
{
    const char *colon = memchr(pair.p, ':', pair.n);
    if (!colon)
        return false;
    size_t keylen = (size_t)(colon - pair.p);
    span value = { colon + 1, pair.n - keylen - 1 };
    for (size_t i = 0; i < sizeof stop_keys / sizeof stop_keys[0]; i++) {
        if (strlen(stop_keys[i].name) == keylen && !memcmp(stop_keys[i].name, pair.p, keylen))
            return stop_keys[i].parse(value, out);
    }
    return true; /* unknown keys (registers, watch, swbreak, fork...) are not our business */
}

/* "key:value;key:value;..." with an optional final ';'. */
static bool parse_pairs(span s, rsp_stop *out)
{
    while (s.n > 0) {
        const char *semi = memchr(s.p, ';', s.n);
        size_t n = semi ? (size_t)(semi - s.p) : s.n;
        if (n > 0 && !parse_pair((span){ s.p, n }, out))
            return false;
        s.p += semi ? n + 1 : n;
        s.n -= semi ? n + 1 : n;
    }
    return true;
}

static bool parse_number_then_pairs(span s, int *number, rsp_stop *out)
{
    const char *semi = memchr(s.p, ';', s.n);
    size_t n = semi ? (size_t)(semi - s.p) : s.n;
    uint64_t v;
    if (n > 8 || !rsp_parse_hex_u64(s.p, n, &v))
        return false;
    *number = (int)v;
    return !semi || parse_pairs((span){ semi + 1, s.n - n - 1 }, out);
}

static bool parse_signal_byte(span s, int *signal)
{
    uint64_t v;
    if (s.n < 2 || !rsp_parse_hex_u64(s.p, 2, &v))
        return false;
    *signal = (int)v;
    return true;
}

rsp_status rsp_parse_stop(const char *payload, size_t len, rsp_stop *out)
{
    *out = (rsp_stop){ .pid = -1, .tid = -1 };
    if (len == 0)
        return RSP_ERR_PROTOCOL;
    span rest = { payload + 1, len - 1 };
    bool ok = false;
    switch (payload[0]) {
    case 'T':
        out->kind = RSP_STOP_SIGNAL;
        ok = parse_signal_byte(rest, &out->signal) &&
             parse_pairs((span){ rest.p + 2, rest.n - 2 }, out);
        break;
    case 'S':
        out->kind = RSP_STOP_SIGNAL;
        ok = rest.n == 2 && parse_signal_byte(rest, &out->signal);
        break;
    case 'W':
        out->kind = RSP_STOP_EXITED;
        ok = parse_number_then_pairs(rest, &out->code, out);
        break;
    case 'X':
        out->kind = RSP_STOP_KILLED;
        ok = parse_number_then_pairs(rest, &out->signal, out);
        break;
    default:
        break;
    }
    return ok ? RSP_OK : RSP_ERR_PROTOCOL;
}
