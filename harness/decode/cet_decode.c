/* Decoder for the CET opcode space (CET.md 2.11).
 *
 * Capstone 4 either drops these encodings or decodes two of them as something else
 * (INCSSP as LFENCE, CLRSSBSY as XSAVEOPT), so the harness matches them itself before
 * asking Capstone.  Only 64-bit mode with 64-bit addressing is handled: a 67 prefix on
 * a memory form is declined because insn_mem cannot express 32-bit address wrap.
 */
#include "decode/insn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_INSN_LEN 15

enum mod_need { NEED_REG, NEED_MEM };
enum { ANY = -1 };

/* Which of 66/F2/F3 selects the instruction: the last F2/F3 wins, 66 counts only
 * when neither is present (the usual mandatory-prefix rule). */
enum sse_prefix { SSE_NONE, SSE_66, SSE_F3, SSE_F2 };

typedef struct cet_form {
    uint8_t opcode[3];     /* after 0F */
    uint8_t opcode_len;
    enum sse_prefix sse;
    enum mod_need mod;
    int nnn;               /* ModRM.reg, or ANY for /r forms */
    int rm;                /* raw ModRM.rm for forms selected by the whole byte, or ANY */
    insn_kind kind;
    const char *mnemonic;
    bool sized;            /* takes a d/q suffix chosen by REX.W */
} cet_form;

static const cet_form cet_forms[] = {
    { {0x1e},             1, SSE_F3, NEED_REG, 7,   2,   INSN_ENDBR64,     "endbr64",     false },
    { {0x1e},             1, SSE_F3, NEED_REG, 7,   3,   INSN_ENDBR32,     "endbr32",     false },
    { {0x1e},             1, SSE_F3, NEED_REG, 1,   ANY, INSN_RDSSP,       "rdssp",       true },
    { {0xae},             1, SSE_F3, NEED_REG, 5,   ANY, INSN_INCSSP,      "incssp",      true },
    { {0x01},             1, SSE_F3, NEED_REG, 5,   2,   INSN_SAVEPREVSSP, "saveprevssp", false },
    { {0x01},             1, SSE_F3, NEED_REG, 5,   0,   INSN_SETSSBSY,    "setssbsy",    false },
    { {0x01},             1, SSE_F3, NEED_MEM, 5,   ANY, INSN_RSTORSSP,    "rstorssp",    false },
    { {0xae},             1, SSE_F3, NEED_MEM, 6,   ANY, INSN_CLRSSBSY,    "clrssbsy",    false },
    { {0x38, 0xf6},       2, SSE_NONE, NEED_MEM, ANY, ANY, INSN_WRSS,      "wrss",        true },
    { {0x38, 0xf5},       2, SSE_66,   NEED_MEM, ANY, ANY, INSN_WRUSS,     "wruss",       true },
};

typedef struct prefix_run {
    size_t len;            /* bytes before the 0F escape, REX included */
    uint8_t rex;           /* only a REX immediately before 0F counts */
    enum sse_prefix sse;
    bool lock;
    bool addr32;
    seg_override seg;
} prefix_run;

/* ModRM field extraction with REX extension already applied where it belongs. */
typedef struct modrm {
    int mod;
    int nnn;               /* raw 3 bits: opcode extension or register */
    int rm;                /* raw 3 bits */
    int reg_ext;           /* nnn | REX.R << 3 */
    int rm_ext;            /* rm | REX.B << 3 */
} modrm;

/* x86 encoding order (rax rcx rdx rbx rsp rbp rsi rdi r8..r15) to GDB order. */
static const int gdb_from_hw[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static const char *const reg64_name[16] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const reg32_name[16] = {
    "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};

static bool is_rex(uint8_t b) { return (b & 0xf0) == 0x40; }

/* Returns false for a byte that is not a legacy prefix. */
static bool apply_legacy_prefix(uint8_t b, prefix_run *p, bool *saw_66)
{
    switch (b) {
    case 0x66: *saw_66 = true; return true;
    case 0x67: p->addr32 = true; return true;
    case 0xf0: p->lock = true; return true;
    case 0xf2: p->sse = SSE_F2; return true;
    case 0xf3: p->sse = SSE_F3; return true;
    case 0x64: p->seg = SEG_FS; return true;
    case 0x65: p->seg = SEG_GS; return true;
    /* CS/SS/DS/ES overrides are ignored in 64-bit mode, but still end an FS/GS one. */
    case 0x2e: case 0x36: case 0x3e: case 0x26: p->seg = SEG_NONE; return true;
    default: return false;
    }
}

static void parse_prefixes(const uint8_t *b, size_t avail, prefix_run *p)
{
    bool saw_66 = false;
    memset(p, 0, sizeof *p);
    size_t i = 0;
    for (; i < avail && i < MAX_INSN_LEN; i++) {
        if (is_rex(b[i]))
            p->rex = b[i];
        else if (apply_legacy_prefix(b[i], p, &saw_66))
            p->rex = 0;     /* a REX followed by a legacy prefix is ignored */
        else
            break;
    }
    p->len = i;
    if (p->sse == SSE_NONE && saw_66)
        p->sse = SSE_66;
}

static modrm split_modrm(uint8_t byte, uint8_t rex)
{
    modrm m = { byte >> 6, (byte >> 3) & 7, byte & 7, 0, 0 };
    m.reg_ext = m.nnn | ((rex & 4) ? 8 : 0);
    m.rm_ext = m.rm | ((rex & 1) ? 8 : 0);
    return m;
}

static int64_t read_disp(const uint8_t *p, int size)
{
    if (size == 1)
        return (int8_t)p[0];
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
               | (uint32_t)p[3] << 24;
    return (int32_t)v;
}

/* Decodes SIB + displacement starting right after the ModRM byte at b[pos-1].
 * Returns the position after the operand, or 0 if the bytes run out. */
static size_t decode_mem_operand(const uint8_t *b, size_t avail, size_t pos,
                                 modrm m, uint8_t rex, insn_mem *mem)
{
    int disp_size = m.mod == 1 ? 1 : m.mod == 2 ? 4 : 0;
    mem->base = gdb_from_hw[m.rm_ext];
    mem->index = REG_NONE;
    mem->scale = 1;
    if (m.rm == 4) {
        if (pos >= avail)
            return 0;
        uint8_t sib = b[pos++];
        int idx = ((sib >> 3) & 7) | ((rex & 2) ? 8 : 0);
        int base = (sib & 7) | ((rex & 1) ? 8 : 0);
        mem->scale = 1 << (sib >> 6);
        mem->index = idx == 4 ? REG_NONE : gdb_from_hw[idx];
        mem->base = gdb_from_hw[base];
        if ((sib & 7) == 5 && m.mod == 0) {
            mem->base = REG_NONE;
            disp_size = 4;
        }
    } else if (m.rm == 5 && m.mod == 0) {
        mem->base = REG_RIP;
        disp_size = 4;
    }
    if (pos + (size_t)disp_size > avail)
        return 0;
    mem->disp = disp_size ? read_disp(b + pos, disp_size) : 0;
    return pos + (size_t)disp_size;
}

static bool opcode_matches(const uint8_t *b, size_t avail, size_t pos, const cet_form *f)
{
    if (pos + f->opcode_len >= avail)       /* need the ModRM byte too */
        return false;
    return memcmp(b + pos, f->opcode, f->opcode_len) == 0;
}

static bool modrm_matches(const cet_form *f, modrm m)
{
    if ((f->mod == NEED_REG) != (m.mod == 3))
        return false;
    if (f->nnn != ANY && f->nnn != m.nnn)
        return false;
    return f->rm == ANY || f->rm == m.rm;
}

static const char *size_name(int bytes) { return bytes == 4 ? "dword" : "qword"; }

/* Appends to insn.text; what does not fit is cut (the text is for people only). */
typedef struct text_buf { char *p; size_t cap, used; } text_buf;

__attribute__((format(printf, 2, 3)))
static void text_add(text_buf *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->used, t->cap - t->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used = t->used + (size_t)n < t->cap ? t->used + (size_t)n : t->cap - 1;
}

/* Capstone style: hex above 9, sign as an operator unless the disp stands alone. */
static void add_disp(text_buf *t, int64_t disp, bool alone)
{
    uint64_t mag = disp < 0 ? (uint64_t)0 - (uint64_t)disp : (uint64_t)disp;
    const char *sign = alone ? (disp < 0 ? "-" : "") : (disp < 0 ? " - " : " + ");
    if (mag > 9)
        text_add(t, "%s0x%llx", sign, (unsigned long long)mag);
    else
        text_add(t, "%s%llu", sign, (unsigned long long)mag);
}

static const char *mem_reg_name(int gdb_reg)
{
    return gdb_reg == REG_RIP ? "rip" : reg64_name[gdb_reg];
}

/* "qword ptr fs:[rax + rbx*8 - 8]" */
static void add_mem(text_buf *t, const insn_mem *m)
{
    const char *seg = m->seg == SEG_FS ? "fs:" : m->seg == SEG_GS ? "gs:" : "";
    bool any_reg = m->base != REG_NONE || m->index != REG_NONE;
    text_add(t, "%s ptr %s[", size_name(m->size), seg);
    if (m->base != REG_NONE)
        text_add(t, "%s", mem_reg_name(m->base));
    if (m->index != REG_NONE)
        text_add(t, "%s%s", m->base != REG_NONE ? " + " : "", reg64_name[m->index]);
    if (m->index != REG_NONE && m->scale != 1)
        text_add(t, "*%d", m->scale);
    if (m->disp != 0 || !any_reg)
        add_disp(t, m->disp, !any_reg);
    text_add(t, "]");
}

static void format_text(insn *in, const cet_form *f)
{
    text_buf t = { in->text, sizeof in->text, 0 };
    const char *const *names = in->reg_size == 8 ? reg64_name : reg32_name;
    in->text[0] = '\0';
    text_add(&t, "%s%s", f->mnemonic, f->sized ? (in->wide ? "q" : "d") : "");
    if (in->has_mem) {
        text_add(&t, " ");
        add_mem(&t, &in->mem);
    }
    if (in->reg != REG_NONE)
        text_add(&t, "%s%s", in->has_mem ? ", " : " ", names[in->reg]);
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

/* Fills everything the ModRM byte determines; returns the end position or 0. */
static size_t fill_operands(const uint8_t *b, size_t avail, size_t pos, const prefix_run *p,
                            const cet_form *f, insn *in)
{
    modrm m = split_modrm(b[pos], p->rex);
    size_t end = pos + 1;
    in->wide = f->sized && (p->rex & 8);
    int opsize = in->wide ? 8 : 4;
    if (f->mod == NEED_MEM) {
        end = decode_mem_operand(b, avail, end, m, p->rex, &in->mem);
        in->has_mem = true;
        in->mem.seg = p->seg;
        in->mem.size = f->sized ? opsize : 8;
    }
    if (f->kind == INSN_RDSSP || f->kind == INSN_INCSSP) {
        in->reg = gdb_from_hw[m.rm_ext];
        in->reg_size = opsize;
    } else if (f->kind == INSN_WRSS || f->kind == INSN_WRUSS) {
        in->reg = gdb_from_hw[m.reg_ext];
        in->reg_size = opsize;
    }
    return end;
}

static const cet_form *find_form(const uint8_t *b, size_t avail, size_t pos,
                                 const prefix_run *p)
{
    for (size_t i = 0; i < sizeof cet_forms / sizeof cet_forms[0]; i++) {
        const cet_form *f = &cet_forms[i];
        if (f->sse != p->sse || !opcode_matches(b, avail, pos, f))
            continue;
        if (modrm_matches(f, split_modrm(b[pos + f->opcode_len], p->rex)))
            return f;
    }
    return NULL;
}

int cet_decode(const uint8_t *bytes, size_t avail, uint64_t addr, insn *out)
{
    prefix_run p;
    parse_prefixes(bytes, avail, &p);
    if (p.lock || p.len + 1 >= avail || bytes[p.len] != 0x0f)
        return 0;
    size_t pos = p.len + 1;
    const cet_form *f = find_form(bytes, avail, pos, &p);
    if (!f || (f->mod == NEED_MEM && p.addr32))
        return 0;
    insn in;
    clear_insn(&in, addr);
    in.kind = f->kind;
    size_t end = fill_operands(bytes, avail, pos + f->opcode_len, &p, f, &in);
    if (end == 0 || end > MAX_INSN_LEN)
        return 0;
    in.len = (uint8_t)end;
    memcpy(in.bytes, bytes, end);
    format_text(&in, f);
    *out = in;
    return 1;
}

bool bytes_are_endbr64(const uint8_t *p)
{
    static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
    return memcmp(p, endbr64, sizeof endbr64) == 0;
}
