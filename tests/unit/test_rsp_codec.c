/* Pure RSP codec: checksums, escapes, run-length decoding, hex, stop replies. */
#include <criterion/criterion.h>
#include <string.h>

#include "rsp.h"

static const size_t BAD = (size_t)-1;

/* Decodes a NUL-terminated wire string; returns the decoded length or BAD. */
static size_t unescape_str(const char *in, char *out, size_t cap)
{
    return rsp_unescape(in, strlen(in), out, cap);
}

Test(rsp_codec, checksum_matches_known_frames)
{
    cr_assert_eq(rsp_checksum("OK", 2), 0x9a);
    cr_assert_eq(rsp_checksum("k", 1), 0x6b);
    cr_assert_eq(rsp_checksum("?", 1), 0x3f);
    cr_assert_eq(rsp_checksum("", 0), 0);
}

Test(rsp_codec, checksum_wraps_modulo_256)
{
    char buf[3] = { (char)0xff, (char)0xff, 0x03 };
    cr_assert_eq(rsp_checksum(buf, 3), 0x01);
}

Test(rsp_codec, escape_protects_dollar_hash_brace_star)
{
    char out[32];
    size_t n = rsp_escape("a$b#c}d*e", 9, out, sizeof out);
    cr_assert_eq(n, 13);
    cr_assert_arr_eq(out, "a}\x04" "b}\x03" "c}]d}\x0a" "e", 13);
}

Test(rsp_codec, escape_reports_too_small_output)
{
    char out[4];
    cr_assert_eq(rsp_escape("$$$", 3, out, sizeof out), 0);
    cr_assert_eq(rsp_escape("abcd", 4, out, sizeof out), 4);
    cr_assert_eq(rsp_escape("abcde", 5, out, sizeof out), 0);
}

Test(rsp_codec, escape_then_unescape_round_trips_every_byte)
{
    char in[256], esc[512], back[256];
    for (int i = 0; i < 256; i++)
        in[i] = (char)i;
    size_t n = rsp_escape(in, sizeof in, esc, sizeof esc);
    cr_assert_eq(n, 256 + 4);
    cr_assert_eq(rsp_unescape(esc, n, back, sizeof back), 256);
    cr_assert_arr_eq(back, in, 256);
}

Test(rsp_codec, rle_space_count_means_three_extra_copies)
{
    char out[16];
    size_t n = unescape_str("0* ", out, sizeof out);
    cr_assert_eq(n, 4);
    cr_assert_arr_eq(out, "0000", 4);
}

Test(rsp_codec, rle_accepts_counts_at_both_range_edges)
{
    char out[128];
    cr_assert_eq(unescape_str("x* y", out, sizeof out), 5);
    cr_assert_arr_eq(out, "xxxxy", 5);
    /* '~' (126) is the largest printable count: 97 extra copies */
    size_t n = unescape_str("a*~", out, sizeof out);
    cr_assert_eq(n, 98);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(out[i], 'a');
}

Test(rsp_codec, rle_rejects_counts_outside_the_printable_range)
{
    char out[256];
    cr_assert_eq(unescape_str("a*\x1f", out, sizeof out), BAD);
    cr_assert_eq(unescape_str("a*\x7f", out, sizeof out), BAD);
    cr_assert_eq(unescape_str("a*#", out, sizeof out), BAD);
    cr_assert_eq(unescape_str("a*$", out, sizeof out), BAD);
}

Test(rsp_codec, rle_without_previous_char_is_rejected)
{
    char out[16];
    cr_assert_eq(unescape_str("* ", out, sizeof out), BAD);
    cr_assert_eq(unescape_str("a*", out, sizeof out), BAD);
}

Test(rsp_codec, rle_repeats_an_escaped_char)
{
    char out[16];
    size_t n = unescape_str("}]* ", out, sizeof out);
    cr_assert_eq(n, 4);
    cr_assert_arr_eq(out, "}}}}", 4);
}

Test(rsp_codec, dangling_escape_is_rejected)
{
    char out[16];
    cr_assert_eq(unescape_str("ab}", out, sizeof out), BAD);
}

Test(rsp_codec, unescape_rejects_output_overflow)
{
    char out[4];
    cr_assert_eq(unescape_str("0* ", out, sizeof out), 4);
    cr_assert_eq(unescape_str("0*!", out, sizeof out), BAD);
    cr_assert_eq(unescape_str("abcde", out, sizeof out), BAD);
}

Test(rsp_codec, hex_encode_is_lower_case_and_terminated)
{
    uint8_t in[] = { 0x00, 0xab, 0x7f, 0xff };
    char out[9];
    memset(out, 'Z', sizeof out);
    cr_assert_eq(rsp_hex_encode(in, sizeof in, out), 8);
    cr_assert_str_eq(out, "00ab7fff");
}

Test(rsp_codec, hex_decode_accepts_both_cases)
{
    uint8_t out[3];
    cr_assert(rsp_hex_decode("0aFf7B", 6, out));
    cr_assert_eq(out[0], 0x0a);
    cr_assert_eq(out[1], 0xff);
    cr_assert_eq(out[2], 0x7b);
}

Test(rsp_codec, hex_decode_rejects_odd_length_and_non_hex)
{
    uint8_t out[4];
    cr_assert_not(rsp_hex_decode("abc", 3, out));
    cr_assert_not(rsp_hex_decode("0g", 2, out));
    cr_assert_not(rsp_hex_decode("x0", 2, out));
}

/* --- stop replies --------------------------------------------------------- */

static rsp_stop parse_ok(const char *s)
{
    rsp_stop st;
    cr_assert_eq(rsp_parse_stop(s, strlen(s), &st), RSP_OK, "rejected '%s'", s);
    return st;
}

Test(rsp_stop, t_with_multiprocess_thread_id)
{
    rsp_stop s = parse_ok("T05thread:p01.4477;");
    cr_assert_eq(s.kind, RSP_STOP_SIGNAL);
    cr_assert_eq(s.signal, 5);
    cr_assert(s.has_thread);
    cr_assert_eq(s.pid, 1);
    cr_assert_eq(s.tid, 0x4477);
    cr_assert_not(s.has_syscall);
}

Test(rsp_stop, t_with_plain_thread_id)
{
    rsp_stop s = parse_ok("T0bthread:4477;");
    cr_assert_eq(s.signal, 11);
    cr_assert(s.has_thread);
    cr_assert_eq(s.pid, -1);
    cr_assert_eq(s.tid, 0x4477);
}

Test(rsp_stop, t_without_pairs_has_no_thread)
{
    rsp_stop s = parse_ok("T05");
    cr_assert_eq(s.signal, 5);
    cr_assert_not(s.has_thread);
    cr_assert_eq(s.tid, -1);
}

Test(rsp_stop, t_ignores_unknown_pairs)
{
    rsp_stop s = parse_ok("T05swbreak:;06:0000000000000000;thread:p1f.20;core:1");
    cr_assert_eq(s.pid, 0x1f);
    cr_assert_eq(s.tid, 0x20);
}

Test(rsp_stop, t_with_syscall_entry_and_return)
{
    rsp_stop e = parse_ok("T05thread:p1f.20;syscall_entry:3c;");
    cr_assert(e.has_syscall);
    cr_assert_not(e.syscall_return);
    cr_assert_eq(e.syscall_nr, 60);
    rsp_stop r = parse_ok("T05syscall_return:e7;thread:20;");
    cr_assert(r.has_syscall);
    cr_assert(r.syscall_return);
    cr_assert_eq(r.syscall_nr, 231);
    cr_assert_eq(r.tid, 0x20);
}

Test(rsp_stop, s_signal_only)
{
    rsp_stop s = parse_ok("S05");
    cr_assert_eq(s.kind, RSP_STOP_SIGNAL);
    cr_assert_eq(s.signal, 5);
    cr_assert_not(s.has_thread);
}

Test(rsp_stop, w_exit_code_with_and_without_process)
{
    rsp_stop a = parse_ok("W00");
    cr_assert_eq(a.kind, RSP_STOP_EXITED);
    cr_assert_eq(a.code, 0);
    cr_assert_eq(a.pid, -1);
    rsp_stop b = parse_ok("W2a;process:1f");
    cr_assert_eq(b.kind, RSP_STOP_EXITED);
    cr_assert_eq(b.code, 42);
    cr_assert_eq(b.pid, 0x1f);
}

Test(rsp_stop, x_killed_by_signal)
{
    rsp_stop s = parse_ok("X0b");
    cr_assert_eq(s.kind, RSP_STOP_KILLED);
    cr_assert_eq(s.signal, 11);
}

Test(rsp_stop, malformed_replies_are_rejected)
{
    static const char *bad[] = { "", "T5", "Tzz", "T05thread", "T05thread:pz.1;", "S5",
                                 "S05x", "W", "Wxyz", "X", "OK", "Text=0;Data=0;Bss=0",
                                 "W00;process" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rsp_stop s;
        cr_assert_eq(rsp_parse_stop(bad[i], strlen(bad[i]), &s), RSP_ERR_PROTOCOL,
                     "accepted '%s'", bad[i]);
    }
}
