/* --ibt and --shstk: on, off, or auto (from the GNU property notes of the program
 * and, for a dynamically linked one, of its loader). */
#ifndef HARNESS_CET_SWITCHES_H
#define HARNESS_CET_SWITCHES_H

#include "commands/run_options.h"
#include "guest/elf_facts.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct cet_switches {
    bool ibt, shstk;
    bool shstk_follows_program;    /* --shstk=linux */
    char warnings[3][512];         /* why an "auto" turned out off; "" for none */
} cet_switches;

void cet_switches_resolve(const run_options *opt, const elf_facts *elf, cet_switches *out);

#endif
