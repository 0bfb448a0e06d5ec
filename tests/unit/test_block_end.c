/* What the plugin makes of a block's last instruction (qemu-plugin/block_end.c): which
 * ends it must always report, which only when the vCPU goes somewhere else, and the
 * direct targets it compares with.  The plugin is built apart from the harness, so its
 * source is compiled into this test. */
#include <criterion/criterion.h>

#include "qemu-plugin/block_end.c"

TestSuite(block_end);

typedef struct example {
    const char *what;
    uint8_t bytes[15];
    size_t len;
    block_end_kind kind;
    uint64_t target;
} example;

static const uint64_t PC = 0x401000;

static const example examples[] = {
    {"call rel32", {0xe8, 0xfb, 0x0f, 0x00, 0x00}, 5, END_TRANSFER, 0},
    {"call rax", {0xff, 0xd0}, 2, END_TRANSFER, 0},
    {"notrack call rax", {0x3e, 0xff, 0xd0}, 3, END_TRANSFER, 0},
    {"call qword [rip+x]", {0xff, 0x15, 0x10, 0, 0, 0}, 6, END_TRANSFER, 0},
    {"jmp r11", {0x41, 0xff, 0xe3}, 3, END_TRANSFER, 0},
    {"jmp far [rax]", {0x48, 0xff, 0x28}, 3, END_TRANSFER, 0},
    {"ret", {0xc3}, 1, END_TRANSFER, 0},
    {"bnd ret", {0xf2, 0xc3}, 2, END_TRANSFER, 0},
    {"ret 8", {0xc2, 0x08, 0x00}, 3, END_TRANSFER, 0},
    {"retfq", {0x48, 0xcb}, 2, END_TRANSFER, 0},
    {"iretq", {0x48, 0xcf}, 2, END_TRANSFER, 0},
    {"syscall", {0x0f, 0x05}, 2, END_SYSCALL, 0},
    {"jmp rel8 back", {0xeb, 0xfe}, 2, END_FALLS_THROUGH, PC},
    {"jmp rel32", {0xe9, 0x00, 0x01, 0x00, 0x00}, 5, END_FALLS_THROUGH, PC + 5 + 0x100},
    {"jne rel8", {0x75, 0x10}, 2, END_FALLS_THROUGH, PC + 2 + 0x10},
    {"je rel32", {0x0f, 0x84, 0xf0, 0xff, 0xff, 0xff}, 6, END_FALLS_THROUGH, PC + 6 - 0x10},
    {"loop", {0xe2, 0xfc}, 2, END_FALLS_THROUGH, PC + 2 - 4},
    {"jmp rel16 (66): target not guessed", {0x66, 0xe9, 0x10, 0x00}, 4, END_FALLS_THROUGH, 0},
    {"inc rax", {0x48, 0xff, 0xc0}, 3, END_FALLS_THROUGH, 0},
    {"push qword [rax] (FF /6)", {0xff, 0x30}, 2, END_FALLS_THROUGH, 0},
    {"rep movsb", {0xf3, 0xa4}, 2, END_FALLS_THROUGH, 0},
    {"endbr64", {0xf3, 0x0f, 0x1e, 0xfa}, 4, END_FALLS_THROUGH, 0},
};

Test(block_end, each_last_instruction_is_sorted)
{
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        const example *e = &examples[i];
        block_end got = block_end_of(e->bytes, e->len, PC);
        cr_expect_eq(got.kind, e->kind, "%s: kind %d, expected %d", e->what, got.kind, e->kind);
        cr_expect_eq(got.target, e->target, "%s: target 0x%llx, expected 0x%llx", e->what,
                     (unsigned long long)got.target, (unsigned long long)e->target);
    }
}
