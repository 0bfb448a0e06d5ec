/* cetharness: what Intel CET hardware would do with a program, under QEMU. */
#include "commands/commands.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: cetharness COMMAND [options]\n"
          "  run [options] -- PROGRAM [ARGS...]   run one program, report CET violations\n"
          "  suite [options] [CASE_OR_DIR...]     run the conformance corpus, write reports\n"
          "  report --merge A.json B.json ...     merge shard reports\n"
          "  help COMMAND                         options of a command\n"
          "  --version                            print cetharness's version\n", out);
}

static const struct { const char *name; int (*run)(int, char **); } commands[] = {
    {"run", cmd_run},
    {"suite", cmd_suite},
    {"report", cmd_report},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("cetharness %s\n", CETHARNESS_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        char help_flag[] = "--help";
        char *help_argv[] = {argv[2], help_flag, NULL};
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[2], commands[i].name) == 0)
                return commands[i].run(2, help_argv);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cetharness: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
