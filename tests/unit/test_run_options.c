/* cetharness run's command line: the messages a user sees for a mistyped option. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "commands/engine_pick.h"
#include "commands/run_options.h"

static int parse(char **argv, int argc, run_options *o, char *err, size_t cap)
{
    return run_options_parse(argc, argv, o, err, cap);
}

Test(run_options, a_long_option_with_one_dash_is_named_as_written)
{
    char *argv[] = {"run", "-qemu-arg", "x", "--", "prog", NULL};
    run_options o;
    char err[512];
    cr_assert_eq(parse(argv, 5, &o, err, sizeof err), -1);
    cr_assert(strstr(err, "'-qemu-arg'"), "%s", err);
    cr_assert(strstr(err, "--qemu-arg"), "%s", err);
    run_options_free(&o);
}

Test(run_options, engine_and_conformance_are_parsed)
{
    char *argv[] = {"run", "--engine=trace", "--on-violation=continue", "--", "prog", NULL};
    run_options o;
    char err[512];
    cr_assert_eq(parse(argv, 5, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(o.engine, ENGINE_TRACE);
    cr_assert_eq(o.on_violation, ON_VIOLATION_CONTINUE);
    run_options_free(&o);
    char *plugin[] = {"run", "--engine=plugin", "--", "prog", NULL};
    cr_assert_eq(parse(plugin, 4, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(o.engine, ENGINE_PLUGIN);
    run_options_free(&o);
    char *bad[] = {"run", "--engine=fast", "--", "prog", NULL};
    cr_assert_eq(parse(bad, 4, &o, err, sizeof err), -1);
    cr_assert(strstr(err, "rsp, trace, plugin or auto"), "%s", err);
    run_options_free(&o);
}

Test(run_options, no_time_limit_unless_one_is_given)
{
    char *argv[] = {"run", "--", "prog", NULL};
    run_options o;
    char err[512];
    cr_assert_eq(parse(argv, 3, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(o.timeout_s, 0, "run has no time limit by default");
    run_options_free(&o);
    char *given[] = {"run", "--timeout", "2.5", "--", "prog", NULL};
    cr_assert_eq(parse(given, 5, &o, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(o.timeout_s, 2.5, 1e-9);
    run_options_free(&o);
    char *bad[] = {"run", "--timeout", "-1", "--", "prog", NULL};
    cr_assert_eq(parse(bad, 5, &o, err, sizeof err), -1);
    cr_assert(strstr(err, "0: no limit"), "%s", err);
    run_options_free(&o);
}

Test(run_options, the_sysroot_is_qemus_last_L_else_its_environment_variable)
{
    char *argv[] = {"run", "--qemu-arg", "-L", "--qemu-arg", "/one", "--qemu-arg", "--L",
                    "--qemu-arg", "/two", "--", "prog", NULL};
    run_options o;
    char err[512];
    setenv("QEMU_LD_PREFIX", "/from-env", 1);
    cr_assert_eq(parse(argv, 11, &o, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(run_options_sysroot(&o), "/two");
    run_options_free(&o);
    char *plain[] = {"run", "--", "prog", NULL};
    cr_assert_eq(parse(plain, 3, &o, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(run_options_sysroot(&o), "/from-env");
    unsetenv("QEMU_LD_PREFIX");
    cr_assert_null(run_options_sysroot(&o));
    run_options_free(&o);
}

Test(run_options, auto_leaves_a_linux_shadow_stack_to_the_rsp_engine)
{
    /* Under --shstk=linux the program's arch_prctl must be answered: only stops can. */
    char *argv[] = {"run", "--on-violation=continue", "--shstk=linux", "--", "prog", NULL};
    run_options o;
    engine_pick p = {0};
    char err[512];
    cr_assert_eq(parse(argv, 5, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(o.shstk, CET_LINUX);
    cr_assert_eq(engine_pick_kind(&o, &p, err, sizeof err), 0, "%s", err);
    cr_assert_not(p.stop_free);
    run_options_free(&o);
    char *on[] = {"run", "--on-violation=continue", "--shstk=on", "--", "prog", NULL};
    cr_assert_eq(parse(on, 5, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(engine_pick_kind(&o, &p, err, sizeof err), 0, "%s", err);
    cr_assert(p.stop_free, "a fixed shadow stack needs no answers");
    run_options_free(&o);
}
