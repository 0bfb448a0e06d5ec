/* cet_model.h - the CET state machine of the plugin, apart from QEMU's plugin API.
 * cet_plugin.c feeds it the instructions each vCPU executes and the system calls it
 * makes; cet_model.c keeps one shadow stack and one IBT tracker per vCPU. */
#ifndef CET_MODEL_H
#define CET_MODEL_H

#include "cet_decode.h"

#include <stdbool.h>
#include <stdint.h>

/* Set from the plugin arguments before the first instruction, read-only afterwards. */
struct cet_options {
    bool shstk, ibt;                 /* which half of CET is enforced */
    bool abort_delivery;             /* a #CP ends the process with abort(), not _exit(139) */
    bool notrack_ignored;            /* bug: NOTRACK branches are tracked anyway */
    bool call_next_pushed;           /* bug: CALL rel32 with displacement 0 is pushed */
    bool endbr32_accepted;           /* bug: ENDBR32 satisfies the tracker */
    bool ret_imm_unchecked;          /* bug: RET imm16 pops but is not checked */
};
extern struct cet_options cet_opt;

/* Reports a #CP ("near-ret", "far-ret" or "endbranch") at `pc` and ends the process;
 * defined in cet_plugin.c. */
_Noreturn void cet_raise_cp(const char *reason, uint64_t pc);

/* What the plugin keeps of each translated instruction. */
struct insn {
    uint64_t pc, next;               /* its address and the one after it */
    struct insn_class c;
};

void cet_vcpu_init(unsigned int vcpu_index);
void cet_insn_exec(unsigned int vcpu_index, const struct insn *in);
void cet_syscall(unsigned int vcpu_index, int64_t num);

#endif
