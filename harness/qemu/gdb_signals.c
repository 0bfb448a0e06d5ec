#include "qemu/gdb_signals.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* gdb/signals.def numbering vs the x86-64 Linux numbers. */
static const struct { int gdb, linux; const char *name; } signal_table[] = {
    {1, 1, "SIGHUP"},     {2, 2, "SIGINT"},     {3, 3, "SIGQUIT"},   {4, 4, "SIGILL"},
    {5, 5, "SIGTRAP"},    {6, 6, "SIGABRT"},    {8, 8, "SIGFPE"},    {9, 9, "SIGKILL"},
    {10, 7, "SIGBUS"},    {11, 11, "SIGSEGV"},  {12, 31, "SIGSYS"},  {13, 13, "SIGPIPE"},
    {14, 14, "SIGALRM"},  {15, 15, "SIGTERM"},  {16, 23, "SIGURG"},  {17, 19, "SIGSTOP"},
    {18, 20, "SIGTSTP"},  {19, 18, "SIGCONT"},  {20, 17, "SIGCHLD"}, {21, 21, "SIGTTIN"},
    {22, 22, "SIGTTOU"},  {23, 29, "SIGIO"},    {24, 24, "SIGXCPU"}, {25, 25, "SIGXFSZ"},
    {26, 26, "SIGVTALRM"}, {27, 27, "SIGPROF"}, {28, 28, "SIGWINCH"}, {30, 10, "SIGUSR1"},
    {31, 12, "SIGUSR2"},  {32, 30, "SIGPWR"},   {77, 32, "SIG32"},   {78, 64, "SIG64"},
};
enum { NSIG_TABLE = sizeof signal_table / sizeof signal_table[0] };

int gdb_signal_to_linux(int gdb_sig)
{
    for (size_t i = 0; i < NSIG_TABLE; i++)
        if (signal_table[i].gdb == gdb_sig)
            return signal_table[i].linux;
    /* GDB's REALTIME_33 .. REALTIME_63 are 45 .. 75. */
    if (gdb_sig >= 45 && gdb_sig <= 75)
        return gdb_sig - 45 + 33;
    return 0;
}

int linux_signal_to_gdb(int linux_sig)
{
    for (size_t i = 0; i < NSIG_TABLE; i++)
        if (signal_table[i].linux == linux_sig)
            return signal_table[i].gdb;
    if (linux_sig >= 33 && linux_sig <= 63)
        return linux_sig - 33 + 45;
    return 0;
}

const char *linux_signal_name(int linux_sig)
{
    for (size_t i = 0; i < NSIG_TABLE; i++)
        if (signal_table[i].linux == linux_sig)
            return signal_table[i].name;
    return "SIG?";
}

int linux_signal_from_name(const char *name)
{
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < NSIG_TABLE; i++)
        if (strcasecmp(signal_table[i].name + 3, name) == 0)
            return signal_table[i].linux;
    return 0;
}
