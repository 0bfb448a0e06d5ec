/* Capstone wrapper: decodes one instruction and classifies it by what CET cares about.
 * The CET opcode space goes to cet_decode() first (see insn.h for why). */
#include "decode/insn.h"

#include <capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One decoder per thread: Capstone handles are not shareable between threads. */
static _Thread_local csh cs_handle;
static _Thread_local cs_insn *cs_scratch;
static _Thread_local bool cs_ready;

static bool decoder_open(void)
{
    if (cs_ready)
        return true;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs_handle) != CS_ERR_OK)
        return false;
    if (cs_option(cs_handle, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK
        || (cs_scratch = cs_malloc(cs_handle)) == NULL) {
        cs_close(&cs_handle);
        return false;
    }
    cs_ready = true;
    return true;
}

void insn_decoder_shutdown(void)
{
    if (!cs_ready)
        return;
    cs_free(cs_scratch, 1);
    cs_scratch = NULL;
    cs_close(&cs_handle);
    cs_ready = false;
}

typedef struct reg_map { x86_reg cs; int gdb; } reg_map;

/* 32-bit names appear as address registers under a 67 prefix. */
static const reg_map gdb_reg_map[] = {
    { X86_REG_RAX, REG_RAX }, { X86_REG_RBX, REG_RBX }, { X86_REG_RCX, REG_RCX },
    { X86_REG_RDX, REG_RDX }, { X86_REG_RSI, REG_RSI }, { X86_REG_RDI, REG_RDI },
    { X86_REG_RBP, REG_RBP }, { X86_REG_RSP, REG_RSP }, { X86_REG_R8, REG_R8 },
    { X86_REG_R9, REG_R9 }, { X86_REG_R10, REG_R10 }, { X86_REG_R11, REG_R11 },
    { X86_REG_R12, REG_R12 }, { X86_REG_R13, REG_R13 }, { X86_REG_R14, REG_R14 },
    { X86_REG_R15, REG_R15 }, { X86_REG_RIP, REG_RIP },
    { X86_REG_EAX, REG_RAX }, { X86_REG_EBX, REG_RBX }, { X86_REG_ECX, REG_RCX },
    { X86_REG_EDX, REG_RDX }, { X86_REG_ESI, REG_RSI }, { X86_REG_EDI, REG_RDI },
    { X86_REG_EBP, REG_RBP }, { X86_REG_ESP, REG_RSP }, { X86_REG_R8D, REG_R8 },
    { X86_REG_R9D, REG_R9 }, { X86_REG_R10D, REG_R10 }, { X86_REG_R11D, REG_R11 },
    { X86_REG_R12D, REG_R12 }, { X86_REG_R13D, REG_R13 }, { X86_REG_R14D, REG_R14 },
    { X86_REG_R15D, REG_R15 }, { X86_REG_EIP, REG_RIP },
};

static int gdb_reg_from_cs(x86_reg r)
{
    for (size_t i = 0; i < sizeof gdb_reg_map / sizeof gdb_reg_map[0]; i++)
        if (gdb_reg_map[i].cs == r)
            return gdb_reg_map[i].gdb;
    return REG_NONE;
}

typedef struct kind_by_id { unsigned id; insn_kind kind; } kind_by_id;

/* Instructions whose kind follows from the id alone. */
static const kind_by_id fixed_kinds[] = {
    { X86_INS_RETF, INSN_RET_FAR },   { X86_INS_RETFQ, INSN_RET_FAR },
    { X86_INS_IRET, INSN_IRET },      { X86_INS_IRETD, INSN_IRET },
    { X86_INS_IRETQ, INSN_IRET },     { X86_INS_SYSCALL, INSN_SYSCALL },
    { X86_INS_INT, INSN_INT },        { X86_INS_INT1, INSN_INT },
    { X86_INS_INT3, INSN_INT },       { X86_INS_INTO, INSN_INT },
    { X86_INS_SYSENTER, INSN_INT },   { X86_INS_HLT, INSN_HALT },
    { X86_INS_UD2, INSN_HALT },       { X86_INS_UD2B, INSN_HALT },
    { X86_INS_UD0, INSN_HALT },       { X86_INS_LOOP, INSN_JCC },
    { X86_INS_LOOPE, INSN_JCC },      { X86_INS_LOOPNE, INSN_JCC },
    { X86_INS_JRCXZ, INSN_JCC },      { X86_INS_JECXZ, INSN_JCC },
    { X86_INS_JCXZ, INSN_JCC },       { X86_INS_ENDBR64, INSN_ENDBR64 },
    { X86_INS_ENDBR32, INSN_ENDBR32 }, { X86_INS_CPUID, INSN_CPUID },
};

static insn_kind fixed_kind(unsigned id)
{
    for (size_t i = 0; i < sizeof fixed_kinds / sizeof fixed_kinds[0]; i++)
        if (fixed_kinds[i].id == id)
            return fixed_kinds[i].kind;
    return INSN_OTHER;
}

static bool has_group(const cs_insn *ci, uint8_t group)
{
    for (uint8_t i = 0; i < ci->detail->groups_count; i++)
        if (ci->detail->groups[i] == group)
            return true;
    return false;
}

static const cs_x86_op *first_operand(const cs_insn *ci)
{
    const cs_x86 *x = &ci->detail->x86;
    return x->op_count ? &x->operands[0] : NULL;
}

static bool is_legacy_prefix(uint8_t b)
{
    static const uint8_t legacy[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3,
                                      0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65 };
    return memchr(legacy, b, sizeof legacy) != NULL;
}

/* Capstone keeps only the last segment prefix, but CET hardware honours a 3E anywhere
 * in the prefix run (CET.md 1.2), so look at the raw bytes as well. */
static bool prefix_run_has_notrack(const insn *in, const cs_insn *ci)
{
    if (ci->detail->x86.prefix[1] == X86_PREFIX_DS)
        return true;
    for (uint8_t i = 0; i < in->len && in->bytes[i] != 0xff; i++) {
        if (in->bytes[i] == 0x3e)
            return true;
        if (!is_legacy_prefix(in->bytes[i]) && (in->bytes[i] & 0xf0) != 0x40)
            return false;
    }
    return false;
}

static seg_override seg_from_cs(x86_reg r)
{
    return r == X86_REG_FS ? SEG_FS : r == X86_REG_GS ? SEG_GS : SEG_NONE;
}

static void fill_mem(insn *in, const cs_x86_op *op)
{
    in->has_mem = true;
    in->mem.base = gdb_reg_from_cs(op->mem.base);
    in->mem.index = gdb_reg_from_cs(op->mem.index);
    in->mem.scale = op->mem.scale ? op->mem.scale : 1;
    in->mem.disp = op->mem.disp;
    in->mem.seg = seg_from_cs(op->mem.segment);
    in->mem.size = op->size;
}

/* Register or memory operand of an indirect branch. */
static void fill_indirect_operand(insn *in, const cs_x86_op *op)
{
    if (!op)
        return;
    if (op->type == X86_OP_REG) {
        in->reg = gdb_reg_from_cs(op->reg);
        in->reg_size = op->size;
    } else if (op->type == X86_OP_MEM) {
        fill_mem(in, op);
    }
}

/* Capstone 4 reports 10 bytes for every far pointer; the real size is m16:64 only with
 * REX.W, m16:16 with 66, m16:32 otherwise. */
static int far_pointer_size(const cs_insn *ci)
{
    if (ci->detail->x86.rex & 8)
        return 10;
    return ci->detail->x86.prefix[2] == X86_PREFIX_OPSIZE ? 4 : 6;
}

static void classify_near_branch(insn *in, const cs_insn *ci, insn_kind direct,
                                 insn_kind indirect)
{
    const cs_x86_op *op = first_operand(ci);
    if (op && op->type == X86_OP_IMM) {
        in->kind = direct;
        in->target = (uint64_t)op->imm;
        return;
    }
    in->kind = indirect;
    fill_indirect_operand(in, op);
    in->notrack = prefix_run_has_notrack(in, ci);
}

static void classify_far_branch(insn *in, const cs_insn *ci, insn_kind kind)
{
    in->kind = kind;
    fill_indirect_operand(in, first_operand(ci));
    if (in->has_mem)
        in->mem.size = far_pointer_size(ci);
}

static void classify_ret(insn *in, const cs_insn *ci, insn_kind plain, insn_kind with_imm)
{
    const cs_x86_op *op = first_operand(ci);
    in->kind = plain;
    if (op && op->type == X86_OP_IMM) {
        in->kind = with_imm;
        in->imm = (uint16_t)op->imm;
    }
}

static void classify(insn *in, const cs_insn *ci)
{
    const cs_x86_op *op = first_operand(ci);
    switch (ci->id) {
    case X86_INS_CALL: classify_near_branch(in, ci, INSN_CALL_DIRECT, INSN_CALL_INDIRECT); return;
    case X86_INS_JMP: classify_near_branch(in, ci, INSN_JMP_DIRECT, INSN_JMP_INDIRECT); return;
    case X86_INS_LCALL: classify_far_branch(in, ci, INSN_CALL_FAR); return;
    case X86_INS_LJMP: classify_far_branch(in, ci, INSN_JMP_FAR); return;
    case X86_INS_RET: classify_ret(in, ci, INSN_RET, INSN_RET_IMM); return;
    case X86_INS_RETF: case X86_INS_RETFQ: classify_ret(in, ci, INSN_RET_FAR, INSN_RET_FAR); return;
    default: break;
    }
    in->kind = fixed_kind(ci->id);
    /* Jcc (and XBEGIN, whose abort path is a relative target too). */
    if (in->kind == INSN_OTHER && has_group(ci, CS_GRP_JUMP)
        && has_group(ci, CS_GRP_BRANCH_RELATIVE))
        in->kind = INSN_JCC;
    if (in->kind == INSN_JCC && op && op->type == X86_OP_IMM)
        in->target = (uint64_t)op->imm;
}

/* Text longer than insn.text is cut; it is for people, nothing parses it. */
__attribute__((format(printf, 2, 3)))
static void set_text(insn *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->text, sizeof in->text, fmt, ap);
    va_end(ap);
}

/* Bytes taken by a ModRM operand (ModRM, SIB, displacement) in 64-bit addressing,
 * or 0 when they run past avail. */
static size_t modrm_operand_len(const uint8_t *p, size_t avail)
{
    if (avail < 1)
        return 0;
    int mod = p[0] >> 6, rm = p[0] & 7;
    size_t len = 1 + (mod != 3 && rm == 4);
    if (len > avail)
        return 0;
    bool sib_no_base = rm == 4 && mod == 0 && (p[1] & 7) == 5;
    if (mod == 1)
        len += 1;
    else if (mod == 2 || (mod == 0 && rm == 5) || sib_no_base)
        len += 4;
    return len <= avail ? len : 0;
}

/* Capstone 4 decodes UD0 (0F FF /r) and UD1 (0F B9 /r) without their ModRM operand;
 * count it so a linear sweep stays in step. */
static void fix_ud_length(insn *in, const cs_insn *ci, const uint8_t *bytes, size_t avail)
{
    if (ci->id != X86_INS_UD0 && ci->id != X86_INS_UD2B)
        return;
    size_t extra = modrm_operand_len(bytes + ci->size, avail - ci->size);
    if (extra == 0 || ci->size + extra > sizeof in->bytes)
        return;
    in->len = (uint8_t)(ci->size + extra);
    memcpy(in->bytes, bytes, in->len);
    set_text(in, "%s", ci->id == X86_INS_UD0 ? "ud0" : "ud1");
}

static void clear_insn(insn *in, uint64_t addr)
{
    memset(in, 0, sizeof *in);
    in->addr = addr;
    in->reg = REG_NONE;
    in->mem.base = REG_NONE;
    in->mem.index = REG_NONE;
    in->mem.scale = 1;
}

static void format_text(insn *in, const cs_insn *ci)
{
    const char *notrack = in->notrack ? "notrack " : "";
    if (ci->op_str[0])
        set_text(in, "%s%s %s", notrack, ci->mnemonic, ci->op_str);
    else
        set_text(in, "%s%s", notrack, ci->mnemonic);
}

static int mark_invalid(insn *in, const uint8_t *bytes, size_t avail, uint64_t addr)
{
    clear_insn(in, addr);
    in->kind = INSN_INVALID;
    in->len = 1;
    if (avail)
        in->bytes[0] = bytes[0];
    set_text(in, "(bad)");
    return -1;
}

int insn_decode(const uint8_t *bytes, size_t avail, uint64_t addr, insn *out)
{
    if (cet_decode(bytes, avail, addr, out))
        return 0;
    if (!decoder_open())
        return mark_invalid(out, bytes, avail, addr);
    const uint8_t *code = bytes;
    size_t size = avail;
    uint64_t at = addr;
    if (!cs_disasm_iter(cs_handle, &code, &size, &at, cs_scratch))
        return mark_invalid(out, bytes, avail, addr);
    clear_insn(out, addr);
    out->len = (uint8_t)cs_scratch->size;
    memcpy(out->bytes, bytes, out->len);
    classify(out, cs_scratch);
    format_text(out, cs_scratch);
    fix_ud_length(out, cs_scratch, bytes, avail);
    return 0;
}

bool insn_is_stop_point(const insn *in)
{
    switch (in->kind) {
    case INSN_OTHER: case INSN_JMP_DIRECT: case INSN_JCC:
    case INSN_ENDBR64: case INSN_ENDBR32:
        return false;
    default:
        return true;
    }
}

static const char *const kind_names[] = {
    [INSN_OTHER] = "other",                [INSN_CALL_DIRECT] = "call",
    [INSN_CALL_INDIRECT] = "call-indirect", [INSN_JMP_DIRECT] = "jmp",
    [INSN_JMP_INDIRECT] = "jmp-indirect",  [INSN_JCC] = "jcc",
    [INSN_RET] = "ret",                    [INSN_RET_IMM] = "ret-imm",
    [INSN_CALL_FAR] = "call-far",          [INSN_JMP_FAR] = "jmp-far",
    [INSN_RET_FAR] = "ret-far",            [INSN_IRET] = "iret",
    [INSN_SYSCALL] = "syscall",            [INSN_INT] = "int",
    [INSN_HALT] = "halt",                  [INSN_ENDBR64] = "endbr64",
    [INSN_ENDBR32] = "endbr32",            [INSN_RDSSP] = "rdssp",
    [INSN_CPUID] = "cpuid",
    [INSN_INCSSP] = "incssp",              [INSN_SAVEPREVSSP] = "saveprevssp",
    [INSN_RSTORSSP] = "rstorssp",          [INSN_SETSSBSY] = "setssbsy",
    [INSN_CLRSSBSY] = "clrssbsy",          [INSN_WRSS] = "wrss",
    [INSN_WRUSS] = "wruss",                [INSN_INVALID] = "invalid",
};

const char *insn_kind_name(insn_kind k)
{
    if ((unsigned)k >= sizeof kind_names / sizeof kind_names[0] || !kind_names[k])
        return "unknown";
    return kind_names[k];
}
