/* What the last instruction of a translated block does with control, as far as the
 * plugin needs to know when to tell the harness where a vCPU went: QEMU ends a block at
 * every branch, so a block's last instruction is its only way out. */
#ifndef QEMU_PLUGIN_BLOCK_END_H
#define QEMU_PLUGIN_BLOCK_END_H

#include <stddef.h>
#include <stdint.h>

typedef enum block_end_kind {
    END_FALLS_THROUGH,   /* goes on at the next instruction, or to .target (direct JMP,
                            Jcc, LOOP, JRCXZ): the next block follows from the code */
    END_SYSCALL,         /* SYSCALL: the next block follows, unless a signal comes */
    END_TRANSFER,        /* CALL, RET, indirect JMP, far transfers, IRET: the harness
                            needs every one */
} block_end_kind;

typedef struct block_end {
    block_end_kind kind;
    uint64_t target;     /* a direct branch's target, 0 when none or unknown */
} block_end;

/* The instruction at pc, len bytes (its length as QEMU translated it). */
block_end block_end_of(const uint8_t *bytes, size_t len, uint64_t pc);

#endif
