/* Resolving --ibt/--shstk=auto before the run starts. */
#include "commands/cet_switches.h"

#include <stdio.h>
#include <string.h>

/* One switch of auto: on when the program is marked and, when it is dynamically
 * linked, its interpreter too, since the loader turns CET on only when it and every
 * object it loads are marked (Debian 12's ld.so is not). */
static bool auto_switch(const elf_facts *elf, const char *name, bool program, bool interp_known,
                        bool interp, char *warning, size_t cap)
{
    if (program && interp_known && !interp)
        snprintf(warning, cap, "--%s=auto: off, because the program interpreter %s is not "
                 "%s-marked (the loader enables CET only when every object it loads is)",
                 name, elf->interp_file, name);
    return program && (!interp_known || interp);
}

void cet_switches_resolve(const run_options *opt, const elf_facts *elf, cet_switches *out)
{
    bool interp_known = false, interp_ibt = false, interp_shstk = false;
    memset(out, 0, sizeof *out);
    if (elf->has_interp && elf->interp_file && (opt->ibt == CET_AUTO || opt->shstk == CET_AUTO)) {
        elf_facts interp;
        char err[512];
        interp_known = true;    /* an unreadable loader counts as unmarked */
        if (elf_facts_load(elf->interp_file, &interp, err, sizeof err) == 0) {
            interp_ibt = interp.prop_ibt;
            interp_shstk = interp.prop_shstk;
            elf_facts_free(&interp);
        }
    }
    out->ibt = opt->ibt == CET_ON ||
               (opt->ibt == CET_AUTO && auto_switch(elf, "ibt", elf->prop_ibt, interp_known,
                                                    interp_ibt, out->warnings[0], sizeof out->warnings[0]));
    out->shstk_follows_program = opt->shstk == CET_LINUX;
    out->shstk = opt->shstk == CET_ON ||
                 (opt->shstk == CET_AUTO &&
                  auto_switch(elf, "shstk", elf->prop_shstk, interp_known, interp_shstk,
                              out->warnings[1], sizeof out->warnings[1]));
    if (opt->ibt == CET_AUTO && opt->shstk == CET_AUTO && !elf->prop_ibt && !elf->prop_shstk)
        snprintf(out->warnings[2], sizeof out->warnings[2], "--ibt=auto and --shstk=auto: %s is "
                 "not CET-marked, so neither is checked", elf->path ? elf->path : "the program");
}
