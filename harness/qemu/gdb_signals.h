/* GDB's signal numbering (what the stub speaks) against Linux's (what the guest uses). */
#ifndef HARNESS_GDB_SIGNALS_H
#define HARNESS_GDB_SIGNALS_H

int gdb_signal_to_linux(int gdb_sig);   /* 0 when unknown */
int linux_signal_to_gdb(int linux_sig); /* 0 when unknown */
/* "SIGSEGV" for a Linux signal number; "SIG?" when unknown. */
const char *linux_signal_name(int linux_sig);
/* Linux number for "SEGV" or "SIGSEGV"; 0 when unknown. */
int linux_signal_from_name(const char *name);

#endif
