/* cet_decode(): the CET opcode space the harness decodes itself.
 * Byte sequences come from nasm 2.16 (`nasm -f bin` + listing) unless a comment says
 * which ModRM/prefix bits were changed by hand to build a near miss. */
#include <criterion/criterion.h>
#include <string.h>

#include "decode/insn.h"

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static const uint64_t at = 0x401000;

static insn decode_cet(const uint8_t *b, size_t n)
{
    insn in;
    memset(&in, 0xa5, sizeof in);
    cr_assert_eq(cet_decode(b, n, at, &in), 1, "CET encoding not recognised");
    cr_assert_eq(in.len, n, "length %u, expected %zu", in.len, n);
    cr_assert_eq(memcmp(in.bytes, b, n), 0);
    cr_assert_eq(in.addr, at);
    return in;
}

static void assert_not_cet(const uint8_t *b, size_t n)
{
    insn in;
    cr_assert_eq(cet_decode(b, n, at, &in), 0, "unexpectedly matched as CET");
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
    cr_assert_eq(in->mem.size, size);
}

/* ---- ENDBR ---- */

Test(cet_decode, endbr64_is_recognised)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x1e, 0xfa));
    cr_assert_eq(in.kind, INSN_ENDBR64);
    cr_assert_str_eq(in.text, "endbr64");
    cr_assert_not(in.has_mem);
}

Test(cet_decode, endbr32_is_recognised)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x1e, 0xfb));
    cr_assert_eq(in.kind, INSN_ENDBR32);
    cr_assert_str_eq(in.text, "endbr32");
}

Test(cet_decode, bytes_are_endbr64_matches_only_endbr64)
{
    cr_assert(bytes_are_endbr64((const uint8_t[]){ 0xf3, 0x0f, 0x1e, 0xfa }));
    cr_assert_not(bytes_are_endbr64((const uint8_t[]){ 0xf3, 0x0f, 0x1e, 0xfb }));
    cr_assert_not(bytes_are_endbr64((const uint8_t[]){ 0x90, 0xf3, 0x0f, 0x1e }));
}

/* ---- RDSSP ---- */

Test(cet_decode, rdsspd_eax_is_the_32_bit_form)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x1e, 0xc8));
    cr_assert_eq(in.kind, INSN_RDSSP);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_eq(in.reg_size, 4);
    cr_assert_not(in.wide);
    cr_assert_not(in.has_mem);
    cr_assert_str_eq(in.text, "rdsspd eax");
}

Test(cet_decode, rdsspq_rax_is_the_rex_w_form)
{
    insn in = decode_cet(BYTES(0xf3, 0x48, 0x0f, 0x1e, 0xc8));
    cr_assert_eq(in.kind, INSN_RDSSP);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_eq(in.reg_size, 8);
    cr_assert(in.wide);
    cr_assert_str_eq(in.text, "rdsspq rax");
}

Test(cet_decode, rdsspq_r12_takes_rex_b_into_the_register)
{
    insn in = decode_cet(BYTES(0xf3, 0x49, 0x0f, 0x1e, 0xcc));
    cr_assert_eq(in.reg, REG_R12);
    cr_assert_str_eq(in.text, "rdsspq r12");
}

Test(cet_decode, rdsspd_r9d_names_the_32_bit_register)
{
    insn in = decode_cet(BYTES(0xf3, 0x41, 0x0f, 0x1e, 0xc9));
    cr_assert_eq(in.reg, REG_R9);
    cr_assert_not(in.wide);
    cr_assert_str_eq(in.text, "rdsspd r9d");
}

Test(cet_decode, rdssp_register_numbers_follow_gdb_order)
{
    /* rm=3 is rbx in the encoding, GDB register 1. */
    insn in = decode_cet(BYTES(0xf3, 0x48, 0x0f, 0x1e, 0xcb));
    cr_assert_eq(in.reg, REG_RBX);
    cr_assert_str_eq(in.text, "rdsspq rbx");
}

Test(cet_decode, rdssp_memory_form_is_not_rdssp)
{
    /* rdsspd eax with ModRM mod changed from 11 to 00: a hint NOP, not RDSSP. */
    assert_not_cet(BYTES(0xf3, 0x0f, 0x1e, 0x08));
}

Test(cet_decode, rdssp_without_f3_is_not_rdssp)
{
    assert_not_cet(BYTES(0x0f, 0x1e, 0xc8));
}

/* ---- INCSSP ---- */

Test(cet_decode, incsspd_ecx)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0xae, 0xe9));
    cr_assert_eq(in.kind, INSN_INCSSP);
    cr_assert_eq(in.reg, REG_RCX);
    cr_assert_eq(in.reg_size, 4);
    cr_assert_not(in.wide);
    cr_assert_str_eq(in.text, "incsspd ecx");
}

Test(cet_decode, incsspq_rax_is_wide)
{
    insn in = decode_cet(BYTES(0xf3, 0x48, 0x0f, 0xae, 0xe8));
    cr_assert_eq(in.kind, INSN_INCSSP);
    cr_assert(in.wide);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_str_eq(in.text, "incsspq rax");
}

Test(cet_decode, incsspq_r15_takes_rex_b)
{
    insn in = decode_cet(BYTES(0xf3, 0x49, 0x0f, 0xae, 0xef));
    cr_assert_eq(in.reg, REG_R15);
    cr_assert_str_eq(in.text, "incsspq r15");
}

Test(cet_decode, lfence_without_f3_is_not_incssp)
{
    assert_not_cet(BYTES(0x0f, 0xae, 0xe8));
}

Test(cet_decode, incssp_memory_form_is_not_incssp)
{
    /* incsspd eax with mod changed from 11 to 00. */
    assert_not_cet(BYTES(0xf3, 0x0f, 0xae, 0x28));
}

/* ---- SAVEPREVSSP / SETSSBSY / RSTORSSP ---- */

Test(cet_decode, saveprevssp)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0xea));
    cr_assert_eq(in.kind, INSN_SAVEPREVSSP);
    cr_assert_eq(in.reg, REG_NONE);
    cr_assert_not(in.has_mem);
    cr_assert_str_eq(in.text, "saveprevssp");
}

Test(cet_decode, setssbsy)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0xe8));
    cr_assert_eq(in.kind, INSN_SETSSBSY);
    cr_assert_str_eq(in.text, "setssbsy");
}

Test(cet_decode, setssbsy_without_f3_is_serialize_not_ours)
{
    assert_not_cet(BYTES(0x0f, 0x01, 0xe8));
}

Test(cet_decode, rstorssp_base_with_negative_disp8)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x68, 0xf8));
    cr_assert_eq(in.kind, INSN_RSTORSSP);
    assert_mem(&in, REG_RAX, REG_NONE, 1, -8, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [rax - 8]");
}

Test(cet_decode, rstorssp_rip_relative_keeps_raw_disp)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x2d, 0x11, 0x00, 0x00, 0x00));
    assert_mem(&in, REG_RIP, REG_NONE, 1, 0x11, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [rip + 0x11]");
}

Test(cet_decode, rstorssp_sib_base_index_scale_disp8)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x6c, 0xd8, 0x10));
    assert_mem(&in, REG_RAX, REG_RBX, 8, 0x10, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [rax + rbx*8 + 0x10]");
}

Test(cet_decode, rstorssp_fs_segment_prefix)
{
    insn in = decode_cet(BYTES(0x64, 0xf3, 0x0f, 0x01, 0x28));
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_FS, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr fs:[rax]");
}

Test(cet_decode, rstorssp_mod00_rm101_is_rip_relative_even_with_rex_b)
{
    /* nasm encodes [r13] as mod=01 with disp8 0; the second sequence is the same bytes with
     * mod changed to 00 and a disp32 appended, which means [rip + 4], not [r13]. */
    insn in = decode_cet(BYTES(0xf3, 0x41, 0x0f, 0x01, 0x6d, 0x00));
    assert_mem(&in, REG_R13, REG_NONE, 1, 0, SEG_NONE, 8);
    insn rip = decode_cet(BYTES(0xf3, 0x41, 0x0f, 0x01, 0x2d, 0x04, 0x00, 0x00, 0x00));
    assert_mem(&rip, REG_RIP, REG_NONE, 1, 4, SEG_NONE, 8);
}

Test(cet_decode, rstorssp_rex_b_and_rex_x_extend_sib_base_and_index)
{
    insn in = decode_cet(BYTES(0xf3, 0x43, 0x0f, 0x01, 0xac, 0x6c, 0x00, 0x10, 0x00, 0x00));
    assert_mem(&in, REG_R12, REG_R13, 2, 0x1000, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [r12 + r13*2 + 0x1000]");
}

Test(cet_decode, rstorssp_sib_base_101_with_mod00_has_no_base)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x2c, 0x85, 0x00, 0x00, 0x00, 0x00));
    assert_mem(&in, REG_NONE, REG_RAX, 4, 0, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [rax*4]");
}

Test(cet_decode, rstorssp_absolute_disp32)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x2c, 0x25, 0x34, 0x12, 0x00, 0x00));
    assert_mem(&in, REG_NONE, REG_NONE, 1, 0x1234, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [0x1234]");
}

Test(cet_decode, rstorssp_sib_index_100_means_no_index)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0x01, 0x2c, 0x24));
    assert_mem(&in, REG_RSP, REG_NONE, 1, 0, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "rstorssp qword ptr [rsp]");
}

Test(cet_decode, rstorssp_sib_index_100_with_rex_x_is_r12)
{
    insn in = decode_cet(BYTES(0xf3, 0x42, 0x0f, 0x01, 0x2c, 0x24));
    assert_mem(&in, REG_RSP, REG_R12, 1, 0, SEG_NONE, 8);
}

Test(cet_decode, rstorssp_register_form_is_not_rstorssp)
{
    /* 0F 01 with mod=11 reg=5 rm=1: neither SETSSBSY (rm=0) nor SAVEPREVSSP (rm=2). */
    assert_not_cet(BYTES(0xf3, 0x0f, 0x01, 0xe9));
}

Test(cet_decode, rstorssp_truncated_displacement_is_not_matched)
{
    assert_not_cet(BYTES(0xf3, 0x0f, 0x01, 0x2d, 0x11, 0x00));
    assert_not_cet(BYTES(0xf3, 0x0f, 0x01));
}

/* ---- CLRSSBSY ---- */

Test(cet_decode, clrssbsy_memory_form)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0xae, 0x30));
    cr_assert_eq(in.kind, INSN_CLRSSBSY);
    assert_mem(&in, REG_RAX, REG_NONE, 1, 0, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "clrssbsy qword ptr [rax]");
}

Test(cet_decode, clrssbsy_rbp_disp8)
{
    insn in = decode_cet(BYTES(0xf3, 0x0f, 0xae, 0x75, 0x08));
    assert_mem(&in, REG_RBP, REG_NONE, 1, 8, SEG_NONE, 8);
}

Test(cet_decode, xsaveopt_without_f3_is_not_clrssbsy)
{
    assert_not_cet(BYTES(0x0f, 0xae, 0x30));
}

/* ---- WRSS / WRUSS ---- */

Test(cet_decode, wrssd_dword_store_from_eax)
{
    insn in = decode_cet(BYTES(0x0f, 0x38, 0xf6, 0x07));
    cr_assert_eq(in.kind, INSN_WRSS);
    cr_assert_not(in.wide);
    cr_assert_eq(in.reg, REG_RAX);
    cr_assert_eq(in.reg_size, 4);
    assert_mem(&in, REG_RDI, REG_NONE, 1, 0, SEG_NONE, 4);
    cr_assert_str_eq(in.text, "wrssd dword ptr [rdi], eax");
}

Test(cet_decode, wrssq_qword_store_from_rax)
{
    insn in = decode_cet(BYTES(0x48, 0x0f, 0x38, 0xf6, 0x07));
    cr_assert_eq(in.kind, INSN_WRSS);
    cr_assert(in.wide);
    cr_assert_eq(in.reg_size, 8);
    assert_mem(&in, REG_RDI, REG_NONE, 1, 0, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "wrssq qword ptr [rdi], rax");
}

Test(cet_decode, wrssq_rex_r_extends_source_and_rex_b_base)
{
    insn in = decode_cet(BYTES(0x4d, 0x0f, 0x38, 0xf6, 0x48, 0x20));
    cr_assert_eq(in.reg, REG_R9);
    assert_mem(&in, REG_R8, REG_NONE, 1, 0x20, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "wrssq qword ptr [r8 + 0x20], r9");
}

Test(cet_decode, wrssq_gs_segment_prefix)
{
    insn in = decode_cet(BYTES(0x65, 0x48, 0x0f, 0x38, 0xf6, 0x07));
    assert_mem(&in, REG_RDI, REG_NONE, 1, 0, SEG_GS, 8);
    cr_assert_str_eq(in.text, "wrssq qword ptr gs:[rdi], rax");
}

Test(cet_decode, wrss_with_66_is_adcx_not_wrss)
{
    assert_not_cet(BYTES(0x66, 0x0f, 0x38, 0xf6, 0x07));
}

Test(cet_decode, wrss_with_f3_is_adox_not_wrss)
{
    assert_not_cet(BYTES(0xf3, 0x0f, 0x38, 0xf6, 0x07));
}

Test(cet_decode, wrss_register_form_is_not_wrss)
{
    /* wrssq [rax], rax with mod changed to 11. */
    assert_not_cet(BYTES(0x48, 0x0f, 0x38, 0xf6, 0xc0));
}

Test(cet_decode, wrussd_needs_66_and_stores_a_dword)
{
    insn in = decode_cet(BYTES(0x66, 0x0f, 0x38, 0xf5, 0x0e));
    cr_assert_eq(in.kind, INSN_WRUSS);
    cr_assert_not(in.wide);
    cr_assert_eq(in.reg, REG_RCX);
    assert_mem(&in, REG_RSI, REG_NONE, 1, 0, SEG_NONE, 4);
    cr_assert_str_eq(in.text, "wrussd dword ptr [rsi], ecx");
}

Test(cet_decode, wrussq_rex_w_and_rex_r)
{
    insn in = decode_cet(BYTES(0x66, 0x4c, 0x0f, 0x38, 0xf5, 0x16));
    cr_assert_eq(in.kind, INSN_WRUSS);
    cr_assert(in.wide);
    cr_assert_eq(in.reg, REG_R10);
    assert_mem(&in, REG_RSI, REG_NONE, 1, 0, SEG_NONE, 8);
    cr_assert_str_eq(in.text, "wrussq qword ptr [rsi], r10");
}

Test(cet_decode, wrussq_rip_relative)
{
    insn in = decode_cet(BYTES(0x66, 0x4c, 0x0f, 0x38, 0xf5, 0x1d, 0x36, 0x00, 0x00, 0x00));
    cr_assert_eq(in.reg, REG_R11);
    assert_mem(&in, REG_RIP, REG_NONE, 1, 0x36, SEG_NONE, 8);
}

Test(cet_decode, wruss_without_66_is_not_wruss)
{
    assert_not_cet(BYTES(0x0f, 0x38, 0xf5, 0x0e));
}

/* ---- prefix placement ---- */

Test(cet_decode, operand_size_prefix_before_f3_is_ignored)
{
    insn in = decode_cet(BYTES(0x66, 0xf3, 0x0f, 0xae, 0xe8));
    cr_assert_eq(in.kind, INSN_INCSSP);
    cr_assert_str_eq(in.text, "incsspd eax");
}

Test(cet_decode, last_of_f2_f3_selects_the_instruction)
{
    assert_not_cet(BYTES(0xf3, 0xf2, 0x0f, 0x1e, 0xc8));
    insn in = decode_cet(BYTES(0xf2, 0xf3, 0x0f, 0x1e, 0xc8));
    cr_assert_eq(in.kind, INSN_RDSSP);
}

Test(cet_decode, rex_not_directly_before_0f_is_ignored)
{
    /* rdsspq rax with REX.W moved in front of F3: the REX no longer counts. */
    insn in = decode_cet(BYTES(0x48, 0xf3, 0x0f, 0x1e, 0xc8));
    cr_assert_not(in.wide);
    cr_assert_str_eq(in.text, "rdsspd eax");
}

Test(cet_decode, lock_prefix_is_not_a_cet_instruction)
{
    assert_not_cet(BYTES(0xf0, 0xf3, 0x0f, 0x01, 0x28));
}

Test(cet_decode, address_size_prefix_on_memory_form_is_declined)
{
    assert_not_cet(BYTES(0x67, 0xf3, 0x0f, 0x01, 0x28));
}

Test(cet_decode, later_ds_prefix_cancels_fs_override)
{
    insn in = decode_cet(BYTES(0x64, 0x3e, 0xf3, 0x0f, 0x01, 0x28));
    cr_assert_eq(in.mem.seg, SEG_NONE);
}

Test(cet_decode, ordinary_instruction_is_not_cet)
{
    assert_not_cet(BYTES(0x90));
    assert_not_cet(BYTES(0xff, 0xd0));
}

Test(cet_decode, no_match_leaves_output_untouched)
{
    insn in;
    memset(&in, 0x5a, sizeof in);
    insn before = in;
    cr_assert_eq(cet_decode((const uint8_t[]){ 0x0f, 0xae, 0xe8 }, 3, at, &in), 0);
    cr_assert_eq(memcmp(&in, &before, sizeof in), 0);
}
