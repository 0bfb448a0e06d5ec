/* The CET model: what CET hardware under Linux keeps for one guest, and the rules it
 * applies (CET.md sections 1-3).
 *
 * Owns: the guest's threads as CET sees them (each thread's shadow stack, SSP and
 * SHSTK/WRSS enable bits), shadow-stack memory and its tokens, the IBT landing rules,
 * the kernel's shadow-stack ABI (arch_prctl ARCH_SHSTK_*, map_shadow_stack, feature
 * locks) and the signal dispositions the kernel's shadow-stack signal frame needs.
 *
 * It changes only through events (cet_model_apply) and answers each with a verdict:
 * nothing, a #CP with its code, another fault (#UD, #GP, #PF, or the kernel's SIGSEGV
 * for a bad signal frame), or the architectural effect a CET instruction or CET
 * system call must have.  Whoever observed the event - the RSP stop loop, a log
 * reader, a plugin - is none of its business: it does no I/O, includes nothing of the
 * engines, of rsp/ or of the QEMU layer, and may call only libc.  Read-only queries
 * (shadow-stack contents for reports) are the only other way in.
 *
 * Events carry the thread id of the thread they happened on; the model learns a
 * thread from CET_EVENT_THREAD_START (the first thread included) and forgets it at
 * CET_EVENT_THREAD_EXIT.  A fault verdict leaves the state as before the event, as a
 * fault on hardware does (RIP, RSP and SSP rolled back). */
#ifndef HARNESS_MODEL_CET_MODEL_H
#define HARNESS_MODEL_CET_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cet_model cet_model;

typedef struct cet_model_config {
    bool ibt;                    /* ENDBR_EN | NO_TRACK_EN for every thread */
    bool shstk;                  /* SH_STK_EN for every thread from its first instruction */
    bool shstk_follows_program;  /* with shstk off: may the program's arch_prctl turn it on?
                                    false (the harness's --shstk=off): it stays off, ENABLE
                                    fails with EPERM as for a feature locked off */
    uint64_t thread_stack_size;  /* the kernel's size for a shadow stack it allocates (ENABLE,
                                    legacy clone): PAGE_ALIGN(min(RLIMIT_STACK, 4 GiB));
                                    0: 8 MiB */
} cet_model_config;

typedef enum cet_event_kind {
    CET_EVENT_THREAD_START,      /* a thread the model has not seen (the first one too),
                                    with the thread that cloned it when known */
    CET_EVENT_THREAD_EXIT,
    CET_EVENT_CALL,              /* near CALL, direct or indirect, about to be carried out */
    CET_EVENT_RET,               /* near RET or RET imm16, with the address it pops */
    CET_EVENT_INDIRECT_BRANCH,   /* near or far indirect CALL/JMP, with its target's bytes */
    CET_EVENT_FAR_CALL,          /* far CALL: the shadow-stack part (its IBT part is above) */
    CET_EVENT_FAR_RET,
    CET_EVENT_CET_INSN,          /* RDSSP, INCSSP, RSTORSSP, SAVEPREVSSP, WRSS, ... */
    CET_EVENT_SYSCALL,           /* a system call about to run: the CET ABI is answered here */
    CET_EVENT_SIGACTION,         /* rt_sigaction installed a disposition */
    CET_EVENT_SIGNAL,            /* a signal is about to be delivered to the thread */
    CET_EVENT_SIGRETURN,         /* rt_sigreturn */
    CET_EVENT_RESYNC,            /* not CET: after a reported near-ret #CP the run goes on */
    CET_EVENT_CPUID,             /* CPUID ran, with the emulator's answer */
    CET_EVENT_KINDS
} cet_event_kind;

typedef enum cet_insn_kind {
    CET_INSN_RDSSP, CET_INSN_INCSSP, CET_INSN_RSTORSSP, CET_INSN_SAVEPREVSSP,
    CET_INSN_WRSS, CET_INSN_WRUSS, CET_INSN_SETSSBSY, CET_INSN_CLRSSBSY,
} cet_insn_kind;

typedef struct cet_event {
    cet_event_kind kind;
    int64_t tid;
    union {
        struct {
            int64_t parent;           /* the cloning thread (its CET state is inherited); 0: none */
            uint64_t shadow_stack_size;  /* clone3's stack_size; 0: the kernel's default */
        } thread;
        struct { uint64_t return_address; bool zero_displacement; } call;
        struct { uint64_t target; } ret;
        struct { uint64_t target; bool far; } resync;  /* where the (far) RET went */
        struct {
            uint64_t target;
            uint8_t target_bytes[4];  /* as they are at the time of the branch */
            bool far;                 /* far CALL/JMP: always tracked */
            bool notrack;             /* 3E prefix on a near one */
        } branch;
        struct { uint16_t cs; uint64_t return_address; } far_call;
        struct { uint16_t cs; uint64_t target; } far_ret;
        struct {
            cet_insn_kind insn;
            bool wide;                /* the Q form (REX.W) */
            uint64_t value;           /* INCSSP count, WRSS source */
            uint64_t address;         /* RSTORSSP, WRSS memory operand */
        } cet;
        struct { uint64_t nr, args[6]; } syscall;
        struct { int sig; uint64_t handler, flags, restorer; } sigaction;
        struct { int sig; } signal;
        struct { uint32_t leaf, subleaf, eax, ebx, ecx, edx; } cpuid;
    } u;
} cet_event;

typedef enum cet_outcome {
    CET_NOTHING,                 /* carry the event out as it is */
    CET_EFFECT,                  /* carry it out with the effect below */
    CET_FAULT_CP,                /* #CP, code in .cp */
    CET_FAULT_UD,                /* #UD: SIGILL */
    CET_FAULT_GP,                /* #GP: SIGSEGV */
    CET_FAULT_PF,                /* #PF on a shadow-stack access: SIGSEGV */
    CET_KERNEL_SIGSEGV,          /* the kernel forces SIGSEGV (bad shadow-stack signal frame) */
} cet_outcome;

typedef enum cet_cp_code {
    CP_NEAR_RET = 1, CP_FAR_RET = 2, CP_ENDBRANCH = 3, CP_RSTORSSP = 4, CP_SETSSBSY = 5,
} cet_cp_code;

typedef struct cet_verdict {
    cet_outcome outcome;
    cet_cp_code cp;
    const char *reason;          /* "ret-mismatch", "missing-endbranch", ... or NULL */
    const char *note;            /* why a fault that is no #CP was raised, or NULL */
    bool has_expected;
    uint64_t expected;           /* what the shadow stack held (return address, token) */
    uint64_t fault_address;      /* CET_FAULT_PF: the shadow-stack access's address (CR2) */
    /* CET_EFFECT, any combination of: */
    bool sets_dest;              /* RDSSP: the destination register gets dest_value */
    uint64_t dest_value;
    bool sets_carry;             /* RSTORSSP: CF := carry; ZF, SF, OF, AF, PF := 0 */
    bool carry;
    bool sets_result;            /* a system call the model answers: rax := result */
    int64_t result;
    bool writes_memory;          /* ARCH_SHSTK_STATUS: u64 at memory_address := memory_value
                                    (the call fails with -EFAULT if that write faults) */
    uint64_t memory_address, memory_value;
    uint64_t handler;            /* CET_EVENT_SIGNAL: the handler that runs, 0 for none */
    bool sets_cpuid;             /* CET_EVENT_CPUID: ecx and edx as a CET CPU answers */
    uint32_t cpuid_ecx, cpuid_edx;
} cet_verdict;

cet_model *cet_model_new(const cet_model_config *config);
void cet_model_free(cet_model *m);
/* Apply one event; *v receives the verdict.  Returns 0, or -1 when the model ran out
 * of memory or was given an event it cannot place (an unknown thread), with *v's note
 * saying which. */
int cet_model_apply(cet_model *m, const cet_event *ev, cet_verdict *v);

/* --- queries ---------------------------------------------------------------- */
bool cet_model_ibt(const cet_model *m);
bool cet_model_shstk_enabled(const cet_model *m, int64_t tid);
bool cet_model_knows_thread(const cet_model *m, int64_t tid);
uint64_t cet_model_ssp(const cet_model *m, int64_t tid);
/* Entries from the thread's SSP to the top of its stack, top first; at most max. */
size_t cet_model_shadow_dump(const cet_model *m, int64_t tid, uint64_t *out, size_t max);
/* The handler rt_sigaction installed for sig (0: default, 1: ignored). */
uint64_t cet_model_signal_handler(const cet_model *m, int sig);
/* The 8 bytes of shadow-stack memory at addr, if addr is in a shadow stack. */
bool cet_model_read_shadow(const cet_model *m, uint64_t addr, uint64_t *value);

/* Is this system call part of the CET ABI the model answers (CET_EVENT_SYSCALL)? */
bool cet_model_answers_syscall(uint64_t nr, uint64_t arg0);
/* Is it one the model follows once it succeeded (munmap, mprotect, madvise on
 * shadow-stack memory): give it as CET_EVENT_SYSCALL after it returned 0. */
bool cet_model_follows_syscall(uint64_t nr);
/* Does [addr, addr + len) overlap shadow-stack memory? */
bool cet_model_is_shadow_memory(const cet_model *m, uint64_t addr, uint64_t len);

/* --- the guest's copy of shadow-stack memory ------------------------------------
 * An engine that gives the guest real mappings for the shadow stacks keeps them in
 * step with these two. */
typedef struct cet_shadow_region { uint64_t id, base, size; } cet_shadow_region;
/* How many regions exist now (at most max of them are written to out), and
 * *generation, which changes whenever one is mapped or unmapped. */
size_t cet_model_shadow_regions(const cet_model *m, cet_shadow_region *out, size_t max,
                                uint64_t *generation);
/* Hand each range of shadow-stack memory written since the last drain to write
 * (8-aligned, as words); a nonzero return stops the drain and is returned. */
int cet_model_drain_shadow_writes(cet_model *m,
                                  int (*write)(void *ctx, uint64_t addr, const uint64_t *words,
                                               size_t count),
                                  void *ctx);
/* Is it the program asking for the shadow stack while the harness's switch decides it
 * (on from the first instruction, or off and locked)?  Then the answer tells nothing
 * about the program's CET behaviour: engines that cannot give it need not say so, and
 * conformance mode does not grade it. */
bool cet_model_shstk_request_is_moot(const cet_model *m, uint64_t nr, const uint64_t *args);

const char *cet_event_kind_name(cet_event_kind kind);
/* The Linux signal a fault verdict becomes: SIGILL for #UD, SIGSEGV for the rest. */
int cet_outcome_signal(cet_outcome outcome);

#endif
