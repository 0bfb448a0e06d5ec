/* insn_keeps_stack_intact: the proof behind leaf-call fusion must refuse every
 * instruction that could change rsp or write memory, the return address included. */
#include <criterion/criterion.h>

#include "decode/insn.h"
#include "decode/insn_effects.h"

static bool intact(const uint8_t *bytes, size_t len)
{
    insn in;
    cr_assert_eq(insn_decode(bytes, len, 0x401000, &in), 0);
    return insn_keeps_stack_intact(&in);
}

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void shutdown(void)
{
    insn_effects_shutdown();
    insn_decoder_shutdown();
}

TestSuite(insn_effects, .fini = shutdown);

Test(insn_effects, register_arithmetic_and_loads_keep_the_stack)
{
    cr_assert(intact(BYTES(0x48, 0x83, 0xc0, 0x01)), "add rax, 1");
    cr_assert(intact(BYTES(0x48, 0x8b, 0x04, 0x24)), "mov rax, [rsp]: a load");
    cr_assert(intact(BYTES(0x90)), "nop");
    cr_assert(intact(BYTES(0xf3, 0x0f, 0x1e, 0xfa)), "endbr64");
    cr_assert(intact(BYTES(0x74, 0x02)), "je: a conditional branch");
}

Test(insn_effects, stores_are_refused)
{
    cr_assert_not(intact(BYTES(0x89, 0x06)), "mov [rsi], eax");
    cr_assert_not(intact(BYTES(0x48, 0x89, 0x04, 0x24)), "mov [rsp], rax");
    cr_assert_not(intact(BYTES(0x48, 0x87, 0x18)), "xchg [rax], rbx");
    cr_assert_not(intact(BYTES(0x0f, 0x29, 0x04, 0x24)), "movaps [rsp], xmm0");
    cr_assert_not(intact(BYTES(0xf3, 0xaa)), "rep stosb");
    cr_assert_not(intact(BYTES(0xf0, 0x48, 0x0f, 0xb1, 0x0e)), "lock cmpxchg [rsi], rcx");
}

Test(insn_effects, stack_pointer_changes_are_refused)
{
    cr_assert_not(intact(BYTES(0x48, 0x83, 0xec, 0x08)), "sub rsp, 8");
    cr_assert_not(intact(BYTES(0x50)), "push rax");
    cr_assert_not(intact(BYTES(0x58)), "pop rax");
    cr_assert_not(intact(BYTES(0x48, 0x8d, 0x64, 0x24, 0x08)), "lea rsp, [rsp + 8]");
    cr_assert_not(intact(BYTES(0xc9)), "leave");
    cr_assert_not(intact(BYTES(0x48, 0x89, 0xc4)), "mov rsp, rax");
}

Test(insn_effects, control_transfers_are_refused)
{
    cr_assert_not(intact(BYTES(0xe8, 0x00, 0x00, 0x00, 0x00)), "call");
    cr_assert_not(intact(BYTES(0xc3)), "ret");
    cr_assert_not(intact(BYTES(0xff, 0xe0)), "jmp rax");
    cr_assert_not(intact(BYTES(0x0f, 0x05)), "syscall");
}
