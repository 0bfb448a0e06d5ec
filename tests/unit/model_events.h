/* Building CET model events in unit tests: one line per event, the thread implied. */
#ifndef TESTS_MODEL_EVENTS_H
#define TESTS_MODEL_EVENTS_H

#include "model/cet_model.h"

#include <criterion/criterion.h>

enum { TID = 100 };

static inline cet_model *new_model_config(cet_model_config c)
{
    cet_model *m = cet_model_new(&c);
    cr_assert_not_null(m);
    cet_event start = {.kind = CET_EVENT_THREAD_START, .tid = TID};
    cet_verdict v;
    cr_assert_eq(cet_model_apply(m, &start, &v), 0);
    return m;
}

/* Shadow stack on or off from the first instruction, as the program may change it. */
static inline cet_model *new_model(bool ibt, bool shstk)
{
    return new_model_config((cet_model_config){.ibt = ibt, .shstk = shstk,
                                               .shstk_follows_program = true,
                                               .thread_stack_size = 1 << 16});
}

static inline cet_verdict apply(cet_model *m, cet_event ev)
{
    cet_verdict v;
    if (!ev.tid)
        ev.tid = TID;
    cr_assert_eq(cet_model_apply(m, &ev, &v), 0, "the model refused a %s event: %s",
                 cet_event_kind_name(ev.kind), v.note ? v.note : "");
    return v;
}

static inline cet_event ev_call(uint64_t return_address)
{
    return (cet_event){.kind = CET_EVENT_CALL, .u.call.return_address = return_address};
}

static inline cet_event ev_ret(uint64_t target)
{
    return (cet_event){.kind = CET_EVENT_RET, .u.ret.target = target};
}

static inline cet_event ev_branch(uint64_t target, uint32_t bytes_le, bool far, bool notrack)
{
    cet_event ev = {.kind = CET_EVENT_INDIRECT_BRANCH};
    ev.u.branch.target = target;
    for (int i = 0; i < 4; i++)
        ev.u.branch.target_bytes[i] = (uint8_t)(bytes_le >> (8 * i));
    ev.u.branch.far = far;
    ev.u.branch.notrack = notrack;
    return ev;
}

static inline cet_event ev_insn(cet_insn_kind insn, bool wide, uint64_t value, uint64_t address)
{
    return (cet_event){.kind = CET_EVENT_CET_INSN, .u.cet = {insn, wide, value, address}};
}

static inline cet_event ev_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return (cet_event){.kind = CET_EVENT_SYSCALL, .u.syscall = {nr, {a0, a1, a2, 0, 0, 0}}};
}

/* Bytes as they sit in memory, little-endian in one word. */
enum {
    BYTES_ENDBR64 = 0xfa1e0ff3, BYTES_ENDBR32 = 0xfb1e0ff3, BYTES_INT3 = 0x909090cc,
    BYTES_NOP_RET = 0xc3909090,
};
enum { SYS_ARCH_PRCTL = 158, SYS_MAP_SHADOW_STACK = 453 };
enum { ARCH_SHSTK_ENABLE = 0x5001, ARCH_SHSTK_DISABLE = 0x5002, ARCH_SHSTK_LOCK = 0x5003,
       ARCH_SHSTK_UNLOCK = 0x5004, ARCH_SHSTK_STATUS = 0x5005 };
enum { SHSTK = 1, WRSS = 2 };

#endif
