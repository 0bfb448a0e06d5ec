#include "decode/insn_effects.h"

#include <capstone/capstone.h>

static _Thread_local csh handle;
static _Thread_local cs_insn *scratch;
static _Thread_local bool ready;

static bool open_decoder(void)
{
    if (ready)
        return true;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
        return false;
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
    scratch = cs_malloc(handle);
    if (!scratch) {
        cs_close(&handle);
        return false;
    }
    ready = true;
    return true;
}

void insn_effects_shutdown(void)
{
    if (!ready)
        return;
    cs_free(scratch, 1);
    cs_close(&handle);
    ready = false;
}

static bool is_stack_pointer(uint16_t reg)
{
    return reg == X86_REG_RSP || reg == X86_REG_ESP || reg == X86_REG_SP || reg == X86_REG_SPL;
}

bool insn_keeps_stack_intact(const insn *in)
{
    if (in->kind != INSN_OTHER && in->kind != INSN_ENDBR64 && in->kind != INSN_ENDBR32 &&
        in->kind != INSN_JCC && in->kind != INSN_JMP_DIRECT)
        return false;
    if (!open_decoder())
        return false;
    const uint8_t *code = in->bytes;
    size_t size = in->len;
    uint64_t addr = in->addr;
    if (!cs_disasm_iter(handle, &code, &size, &addr, scratch))
        return false;
    cs_regs read, written;
    uint8_t nread, nwritten;
    if (cs_regs_access(handle, scratch, read, &nread, written, &nwritten) != CS_ERR_OK)
        return false;
    for (uint8_t i = 0; i < nwritten; i++)
        if (is_stack_pointer(written[i]))
            return false;
    const cs_x86 *x = &scratch->detail->x86;
    /* Capstone 4's access flags miss some stores (lock cmpxchg [mem]), so be blunt: a
     * memory operand in first (destination) position, or marked written, or any
     * locked instruction, may store. */
    if (x->prefix[0] == X86_PREFIX_LOCK)
        return false;
    for (uint8_t i = 0; i < x->op_count; i++)
        if (x->operands[i].type == X86_OP_MEM && (i == 0 || (x->operands[i].access & CS_AC_WRITE)))
            return false;
    /* Stores that are implicit or to a source-position operand. */
    switch (scratch->id) {
    case X86_INS_XCHG: case X86_INS_XADD: case X86_INS_CMPXCHG: case X86_INS_CMPXCHG8B:
    case X86_INS_CMPXCHG16B:
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_STOSQ:
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_MOVSQ:
    case X86_INS_PUSH: case X86_INS_POP: case X86_INS_PUSHFQ: case X86_INS_POPFQ:
    case X86_INS_ENTER: case X86_INS_LEAVE: case X86_INS_XSAVE: case X86_INS_FXSAVE:
    case X86_INS_FXSAVE64: case X86_INS_XSAVEOPT: case X86_INS_CLFLUSH: case X86_INS_MASKMOVDQU:
        return false;
    default:
        return true;
    }
}
