/* CPUID as a CET CPU answers it: leaf 7, subleaf 0 reports CET_SS in ECX bit 7 and
 * CET_IBT in EDX bit 20 (CET.md 3.6), for each feature the model has on; software that
 * probes them (glibc's loader, libgcc) then finds a CET CPU.  QEMU's TCG reports neither. */
#include "model/model_internal.h"

enum { CPUID_CET_LEAF = 7, CPUID_ECX_CET_SS = 1u << 7, CPUID_EDX_CET_IBT = 1u << 20 };

int model_cpuid(cet_model *m, const cet_event *ev, cet_verdict *v)
{
    if (ev->u.cpuid.leaf != CPUID_CET_LEAF || ev->u.cpuid.subleaf != 0)
        return 0;
    bool shstk = m->config.shstk || m->config.shstk_follows_program;
    uint32_t ecx = ev->u.cpuid.ecx | (shstk ? CPUID_ECX_CET_SS : 0);
    uint32_t edx = ev->u.cpuid.edx | (m->config.ibt ? CPUID_EDX_CET_IBT : 0);
    if (ecx == ev->u.cpuid.ecx && edx == ev->u.cpuid.edx)
        return 0;
    v->outcome = CET_EFFECT;
    v->sets_cpuid = true;
    v->cpuid_ecx = ecx;
    v->cpuid_edx = edx;
    return 0;
}
