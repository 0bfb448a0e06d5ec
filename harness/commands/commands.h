/* The subcommands of cetharness.  argv[0] is the subcommand's name; the return
 * value is the process's exit status. */
#ifndef HARNESS_COMMANDS_H
#define HARNESS_COMMANDS_H

#include <json-c/json.h>

#define CETHARNESS_VERSION "0.1"

int cmd_run(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Shared by suite and report (cmd_report.c). */

/* Prints "N passed, M failed[, K skipped]" for a suite object's counts (errors are
 * counted as failed) and returns the exit status they call for: 0 or 1. */
int suite_print_closing_line(json_object *suite);

/* Writes each report whose path is not NULL.  Returns 0, or 2 after printing each
 * failure to stderr prefixed with who ("cetharness suite"). */
int suite_write_reports(json_object *suite, const char *json_path, const char *junit_path,
                        const char *html_path, const char *who);

#endif
