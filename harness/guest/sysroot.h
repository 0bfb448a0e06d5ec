/* QEMU's -L (QEMU_LD_PREFIX): a directory where QEMU looks for the guest's absolute
 * paths first -- the program interpreter it loads, the files the guest opens -- so
 * that a program for another system's libraries runs with them.  The harness must read
 * the same files to name addresses and to judge --ibt/--shstk=auto. */
#ifndef HARNESS_SYSROOT_H
#define HARNESS_SYSROOT_H

#include "guest/elf_facts.h"

#include <stddef.h>

/* The host file QEMU uses for the guest path `path`: SYSROOT/path when path is absolute
 * and that file exists, else path itself (QEMU's rule).  sysroot NULL, "" or "/": path.
 * Writes into buf and returns it. */
const char *sysroot_path(const char *sysroot, const char *path, char *buf, size_t cap);

/* Point f->interp_file at the interpreter QEMU will load under sysroot.  -1: out of memory. */
int elf_facts_set_sysroot(elf_facts *f, const char *sysroot);

#endif
