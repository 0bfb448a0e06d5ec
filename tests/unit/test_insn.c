/* insn_decode(): Capstone-backed decoding and CET classification.
 * Byte sequences come from nasm 2.16 listings (`db 0x3e` for NOTRACK). */
#include <criterion/criterion.h>
#include <string.h>

#include "decode/insn.h"

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

TestSuite(insn_decode, .fini = insn_decoder_shutdown);
TestSuite(insn_props, .fini = insn_decoder_shutdown);

static const uint64_t at = 0x401000;

static insn decode(const uint8_t *b, size_t n)
{
    insn in;
    memset(&in, 0xa5, sizeof in);
    cr_assert_eq(insn_decode(b, n, at, &in), 0, "decode failed");
    cr_assert_eq(in.len, n, "length %u, expected %zu", in.len, n);
    cr_assert_eq(memcmp(in.bytes, b, n), 0);
    cr_assert_eq(in.addr, at);
    return in;
}

static void assert_mem(const insn *in, int base, int index, int scale, int64_t disp,
                       seg_override seg, int size)
{
    cr_assert(in->has_mem);
    cr_assert_eq(in->mem.base, base, "base %d, expected %d", in->mem.base, base);
    cr_assert_eq(in->mem.index, index, "index %d, expected %d", in->mem.index, index);
    cr_assert_eq(in->mem.scale, scale);
    cr_assert_eq(in->mem.disp, disp, "disp %lld", (long long)in->mem.disp);
    cr_assert_eq(in->mem.seg, seg);
    cr_assert_eq(in->mem.size, size, "size %d, expected %d", in->mem.size, size);
}

/* ---- near calls ---- */

Test(insn_decode, call_rel32_target_is_absolute)
{
    insn in = decode(BYTES(0xe8, 0xfb, 0xff, 0xff, 0xff));
    cr_assert_eq(in.kind, INSN_CALL_DIRECT);
    cr_assert_eq(in.target, at + 5 - 5);
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, call_zero_displacement_targets_next_insn)
{
    insn in = decode(BYTES(0xe8, 0x00, 0x00, 0x00, 0x00));
    cr_assert_eq(in.kind, INSN_CALL_DIRECT);
    cr_assert_eq(in.target, at + 5);
}

Test(insn_decode, call_rax_is_indirect_through_a_register)
{
    insn in = decode(BYTES(0xff, 0xd0));
    cr_assert_eq(in.kind, INSN_CALL_INDIRECT);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_eq(in.reg_size, 8);
    cr_assert_not(in.has_mem);
    cr_assert_not(in.notrack);
    cr_assert_str_eq(in.text, "call rax");
}

Test(insn_decode, call_r12_maps_to_gdb_register)
{
    insn in = decode(BYTES(0x41, 0xff, 0xd4));
    cr_assert_eq(in.reg, REG_R12);
}

Test(insn_decode, call_rip_relative_keeps_raw_disp)
{
    insn in = decode(BYTES(0xff, 0x15, 0xe2, 0x2f, 0x00, 0x00));
    cr_assert_eq(in.kind, INSN_CALL_INDIRECT);
    cr_assert_eq(in.reg, REG_NONE);
    assert_mem(&in, REG_RIP, REG_NONE, 1, 0x2fe2, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "call qword ptr [rip + 0x2fe2]");
}

Test(insn_decode, call_base_index_scale_disp)
{
    insn in = decode(BYTES(0xff, 0x54, 0xd8, 0x10));
    cr_assert_eq(in.kind, INSN_CALL_INDIRECT);
    assert_mem(&in, REG_RAX, REG_RBX, 8, 0x10, SEG_NONE, 8);
}

/* ---- near jumps and NOTRACK ---- */

Test(insn_decode, jmp_rax_is_indirect_and_tracked)
{
    insn in = decode(BYTES(0xff, 0xe0));
    cr_assert_eq(in.kind, INSN_JMP_INDIRECT);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_not(in.notrack);
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, notrack_jmp_rax)
{
    insn in = decode(BYTES(0x3e, 0xff, 0xe0));
    cr_assert_eq(in.kind, INSN_JMP_INDIRECT);
    cr_assert(in.notrack);
    cr_assert_eq(in.reg, REG_RAX);
}

Test(insn_decode, notrack_call_memory)
{
    insn in = decode(BYTES(0x3e, 0xff, 0x10));
    cr_assert_eq(in.kind, INSN_CALL_INDIRECT);
    cr_assert(in.notrack);
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_NONE, 8);
}

Test(insn_decode, notrack_followed_by_fs_keeps_notrack_and_fs)
{
    insn in = decode(BYTES(0x3e, 0x64, 0xff, 0x20));
    cr_assert_eq(in.kind, INSN_JMP_INDIRECT);
    cr_assert(in.notrack);
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_FS, 8);
}

Test(insn_decode, fs_followed_by_notrack_is_notrack_without_fs)
{
    insn in = decode(BYTES(0x64, 0x3e, 0xff, 0x20));
    cr_assert(in.notrack);
    cr_assert_eq(in.mem.seg, SEG_NONE);
}

Test(insn_decode, notrack_before_rex_still_counts)
{
    insn in = decode(BYTES(0x3e, 0x41, 0xff, 0xe0));
    cr_assert(in.notrack);
    cr_assert_eq(in.reg, REG_R8);
}

Test(insn_decode, notrack_is_only_for_indirect_branches)
{
    /* ds: override on a plain load: 3E 48 8B 00 = mov rax, qword ptr ds:[rax]. */
    insn in = decode(BYTES(0x3e, 0x48, 0x8b, 0x00));
    cr_assert_eq(in.kind, INSN_OTHER);
    cr_assert_not(in.notrack);
}

Test(insn_decode, gs_indirect_jump_reports_gs)
{
    insn in = decode(BYTES(0x65, 0xff, 0x20));
    cr_assert_not(in.notrack);
    cr_assert_eq(in.mem.seg, SEG_GS);
}

Test(insn_decode, jmp_rel8_is_direct_and_followed_statically)
{
    insn in = decode(BYTES(0xeb, 0xfe));
    cr_assert_eq(in.kind, INSN_JMP_DIRECT);
    cr_assert_eq(in.target, at);
    cr_assert_not(insn_is_stop_point(&in));
}

Test(insn_decode, jmp_rel32_target)
{
    insn in = decode(BYTES(0xe9, 0x10, 0x00, 0x00, 0x00));
    cr_assert_eq(in.kind, INSN_JMP_DIRECT);
    cr_assert_eq(in.target, at + 5 + 0x10);
}

Test(insn_decode, jcc_target_and_not_a_stop_point)
{
    insn in = decode(BYTES(0x75, 0xf8));
    cr_assert_eq(in.kind, INSN_JCC);
    cr_assert_eq(in.target, at + 2 - 8);
    cr_assert_not(insn_is_stop_point(&in));
}

Test(insn_decode, loop_is_jcc)
{
    insn in = decode(BYTES(0xe2, 0xfc));
    cr_assert_eq(in.kind, INSN_JCC);
    cr_assert_eq(in.target, at + 2 - 4);
}

Test(insn_decode, loope_and_loopne_are_jcc)
{
    cr_assert_eq(decode(BYTES(0xe1, 0xfe)).kind, INSN_JCC);
    cr_assert_eq(decode(BYTES(0xe0, 0xfe)).kind, INSN_JCC);
}

Test(insn_decode, jrcxz_is_jcc)
{
    insn in = decode(BYTES(0xe3, 0xfa));
    cr_assert_eq(in.kind, INSN_JCC);
    cr_assert_eq(in.target, at + 2 - 6);
}

/* ---- returns ---- */

Test(insn_decode, ret)
{
    insn in = decode(BYTES(0xc3));
    cr_assert_eq(in.kind, INSN_RET);
    cr_assert_str_eq(in.text, "ret");
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, rep_ret_is_ret)
{
    cr_assert_eq(decode(BYTES(0xf3, 0xc3)).kind, INSN_RET);
}

Test(insn_decode, ret_imm16)
{
    insn in = decode(BYTES(0xc2, 0x10, 0x00));
    cr_assert_eq(in.kind, INSN_RET_IMM);
    cr_assert_eq(in.imm, 0x10);
}

Test(insn_decode, retf)
{
    insn in = decode(BYTES(0xcb));
    cr_assert_eq(in.kind, INSN_RET_FAR);
    cr_assert_eq(in.imm, 0);
}

Test(insn_decode, retfq)
{
    cr_assert_eq(decode(BYTES(0x48, 0xcb)).kind, INSN_RET_FAR);
}

Test(insn_decode, retf_imm16_keeps_imm)
{
    insn in = decode(BYTES(0xca, 0x08, 0x00));
    cr_assert_eq(in.kind, INSN_RET_FAR);
    cr_assert_eq(in.imm, 8);
}

Test(insn_decode, iretq)
{
    cr_assert_eq(decode(BYTES(0x48, 0xcf)).kind, INSN_IRET);
}

Test(insn_decode, iretd)
{
    cr_assert_eq(decode(BYTES(0xcf)).kind, INSN_IRET);
}

/* ---- far branches ---- */

Test(insn_decode, lcall_m16_64)
{
    insn in = decode(BYTES(0x48, 0xff, 0x18));
    cr_assert_eq(in.kind, INSN_CALL_FAR);
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_NONE, 10);
}

Test(insn_decode, lcall_without_rex_w_is_m16_32)
{
    insn in = decode(BYTES(0xff, 0x18));
    cr_assert_eq(in.kind, INSN_CALL_FAR);
    cr_assert_eq(in.mem.size, 6);
}

Test(insn_decode, ljmp_m16_64)
{
    insn in = decode(BYTES(0x48, 0xff, 0x28));
    cr_assert_eq(in.kind, INSN_JMP_FAR);
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_NONE, 10);
    cr_assert_not(in.notrack);
}

/* ---- leaving to the kernel / stopping ---- */

Test(insn_decode, syscall)
{
    insn in = decode(BYTES(0x0f, 0x05));
    cr_assert_eq(in.kind, INSN_SYSCALL);
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, int3)
{
    cr_assert_eq(decode(BYTES(0xcc)).kind, INSN_INT);
}

Test(insn_decode, int_imm8)
{
    cr_assert_eq(decode(BYTES(0xcd, 0x80)).kind, INSN_INT);
}

Test(insn_decode, int1_and_sysenter_are_int)
{
    cr_assert_eq(decode(BYTES(0xf1)).kind, INSN_INT);
    cr_assert_eq(decode(BYTES(0x0f, 0x34)).kind, INSN_INT);
}

Test(insn_decode, ud2)
{
    insn in = decode(BYTES(0x0f, 0x0b));
    cr_assert_eq(in.kind, INSN_HALT);
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, hlt_is_halt)
{
    cr_assert_eq(decode(BYTES(0xf4)).kind, INSN_HALT);
}

Test(insn_decode, ud1_is_halt_and_includes_its_modrm)
{
    /* Capstone 4 calls it ud2b and leaves the ModRM byte out of its length. */
    insn in = decode(BYTES(0x0f, 0xb9, 0xc0));
    cr_assert_eq(in.kind, INSN_HALT);
    cr_assert_str_eq(in.text, "ud1");
}

Test(insn_decode, ud1_length_counts_sib_and_disp32)
{
    /* nasm: ud1 eax, [rax+rbx*2+0x12345678] */
    insn in = decode(BYTES(0x0f, 0xb9, 0x84, 0x58, 0x78, 0x56, 0x34, 0x12));
    cr_assert_eq(in.kind, INSN_HALT);
}

Test(insn_decode, ud0_is_halt_and_includes_its_modrm)
{
    /* nasm: ud0 eax, [rax+8] */
    insn in = decode(BYTES(0x0f, 0xff, 0x40, 0x08));
    cr_assert_eq(in.kind, INSN_HALT);
    cr_assert_str_eq(in.text, "ud0");
}

/* ---- CET encodings through insn_decode ---- */

Test(insn_decode, endbr64)
{
    insn in = decode(BYTES(0xf3, 0x0f, 0x1e, 0xfa));
    cr_assert_eq(in.kind, INSN_ENDBR64);
    cr_assert_not(insn_is_stop_point(&in));
}

Test(insn_decode, endbr32)
{
    insn in = decode(BYTES(0xf3, 0x0f, 0x1e, 0xfb));
    cr_assert_eq(in.kind, INSN_ENDBR32);
    cr_assert_not(insn_is_stop_point(&in));
}

Test(insn_decode, incssp_is_not_capstones_lfence)
{
    insn in = decode(BYTES(0xf3, 0x48, 0x0f, 0xae, 0xe8));
    cr_assert_eq(in.kind, INSN_INCSSP);
    cr_assert_str_eq(in.text, "incsspq rax");
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, clrssbsy_is_not_capstones_xsaveopt)
{
    insn in = decode(BYTES(0xf3, 0x0f, 0xae, 0x30));
    cr_assert_eq(in.kind, INSN_CLRSSBSY);
    cr_assert_eq(in.mem.base, REG_RAX);
}

Test(insn_decode, lfence_without_f3_is_other)
{
    insn in = decode(BYTES(0x0f, 0xae, 0xe8));
    cr_assert_eq(in.kind, INSN_OTHER);
    cr_assert_not(insn_is_stop_point(&in));
}

Test(insn_decode, xsaveopt_without_f3_is_other)
{
    cr_assert_eq(decode(BYTES(0x0f, 0xae, 0x30)).kind, INSN_OTHER);
}

Test(insn_decode, rdsspq_capstone_cannot_decode)
{
    insn in = decode(BYTES(0xf3, 0x48, 0x0f, 0x1e, 0xc8));
    cr_assert_eq(in.kind, INSN_RDSSP);
    cr_assert(in.wide);
}

Test(insn_decode, rdssp_memory_form_is_not_rdssp)
{
    /* rdsspd eax with mod changed to 00: a hint NOP (Capstone: nop dword ptr [rax]). */
    insn in = decode(BYTES(0xf3, 0x0f, 0x1e, 0x08));
    cr_assert_eq(in.kind, INSN_OTHER);
}

Test(insn_decode, wrussq_capstone_cannot_decode)
{
    cr_assert_eq(decode(BYTES(0x66, 0x48, 0x0f, 0x38, 0xf5, 0x18)).kind, INSN_WRUSS);
}

/* ---- invalid input ---- */

Test(insn_decode, undecodable_byte_is_invalid_of_length_one)
{
    insn in;
    /* 06 (push es) does not exist in 64-bit mode. */
    cr_assert_eq(insn_decode((const uint8_t[]){ 0x06, 0x90 }, 2, at, &in), -1);
    cr_assert_eq(in.kind, INSN_INVALID);
    cr_assert_eq(in.len, 1);
    cr_assert(insn_is_stop_point(&in));
}

Test(insn_decode, truncated_instruction_is_invalid)
{
    insn in;
    cr_assert_eq(insn_decode((const uint8_t[]){ 0xe8, 0x00, 0x00 }, 3, at, &in), -1);
    cr_assert_eq(in.kind, INSN_INVALID);
    cr_assert_eq(in.len, 1);
}

Test(insn_decode, empty_input_is_invalid)
{
    insn in;
    cr_assert_eq(insn_decode((const uint8_t[]){ 0x90 }, 0, at, &in), -1);
    cr_assert_eq(in.kind, INSN_INVALID);
}

Test(insn_decode, nop_is_other_and_falls_through)
{
    insn in = decode(BYTES(0x90));
    cr_assert_eq(in.kind, INSN_OTHER);
    cr_assert_eq(in.reg, REG_NONE);
    cr_assert_not(in.has_mem);
    cr_assert_str_eq(in.text, "nop");
}

Test(insn_decode, decoder_reopens_after_shutdown)
{
    cr_assert_eq(decode(BYTES(0xc3)).kind, INSN_RET);
    insn_decoder_shutdown();
    cr_assert_eq(decode(BYTES(0xff, 0xe0)).kind, INSN_JMP_INDIRECT);
}

/* ---- kind properties ---- */

static bool stop_point_of(insn_kind k)
{
    insn in;
    memset(&in, 0, sizeof in);
    in.kind = k;
    return insn_is_stop_point(&in);
}

Test(insn_props, statically_followed_kinds_are_not_stop_points)
{
    const insn_kind followed[] = { INSN_OTHER, INSN_JMP_DIRECT, INSN_JCC,
                                   INSN_ENDBR64, INSN_ENDBR32 };
    for (size_t i = 0; i < sizeof followed / sizeof followed[0]; i++)
        cr_assert_not(stop_point_of(followed[i]), "%s", insn_kind_name(followed[i]));
}

Test(insn_props, every_other_kind_is_a_stop_point)
{
    int stops = 0;
    for (int k = INSN_OTHER; k <= INSN_INVALID; k++)
        stops += stop_point_of((insn_kind)k);
    cr_assert_eq(stops, INSN_INVALID + 1 - 5);
    cr_assert(stop_point_of(INSN_INVALID));
    cr_assert(stop_point_of(INSN_HALT));
    cr_assert(stop_point_of(INSN_RDSSP));
}

Test(insn_props, kind_names_are_distinct_and_short)
{
    for (int a = INSN_OTHER; a <= INSN_INVALID; a++) {
        const char *na = insn_kind_name((insn_kind)a);
        cr_assert(na[0] != '\0' && strlen(na) < 16, "kind %d", a);
        for (int b = a + 1; b <= INSN_INVALID; b++)
            cr_assert_str_neq(na, insn_kind_name((insn_kind)b));
    }
    cr_assert_str_eq(insn_kind_name(INSN_CALL_DIRECT), "call");
    cr_assert_str_eq(insn_kind_name(INSN_CALL_INDIRECT), "call-indirect");
}
