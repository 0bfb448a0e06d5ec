/* Naming addresses in mapped files: library+offset, symbols with the load base, and
 * the newest mapping winning over an older one at the same place. */
#include <criterion/criterion.h>
#include <string.h>

#include "guest/elf_facts.h"
#include "guest/module_map.h"

static module_map map;

static void setup(void)
{
    module_map_init(&map);
}

static void teardown(void)
{
    module_map_free(&map);
}

TestSuite(module_map, .init = setup, .fini = teardown);

static const char *name_of(uint64_t addr)
{
    static char buf[512];
    return module_map_symbolize(&map, addr, buf, sizeof buf);
}

Test(module_map, offset_is_from_where_the_file_start_was_mapped)
{
    /* ld.so's way: the whole file at offset 0, then a segment over it. */
    cr_assert_eq(module_map_add(&map, 0x10000, 0x3000, 0, "/nonexistent/libfoo.so.1"), 0);
    cr_assert_eq(module_map_add(&map, 0x11000, 0x1000, 0x1000, "/nonexistent/libfoo.so.1"), 0);
    cr_assert_str_eq(name_of(0x11010), "libfoo.so.1+0x1010");
    cr_assert_str_eq(name_of(0x10000), "libfoo.so.1+0x0");
}

Test(module_map, without_a_mapping_at_offset_0_the_base_is_derived)
{
    cr_assert_eq(module_map_add(&map, 0x50000, 0x1000, 0x2000, "/x/libbar.so"), 0);
    cr_assert_str_eq(name_of(0x50010), "libbar.so+0x2010");
}

Test(module_map, addresses_outside_every_mapping_have_no_name)
{
    cr_assert_eq(module_map_add(&map, 0x10000, 0x1000, 0, "/x/libbar.so"), 0);
    cr_assert_str_eq(name_of(0x11000), "");
    cr_assert_str_eq(name_of(0xfff), "");
}

Test(module_map, the_newest_mapping_wins)
{
    cr_assert_eq(module_map_add(&map, 0x10000, 0x2000, 0, "/x/old.so"), 0);
    cr_assert_eq(module_map_add(&map, 0x10000, 0x1000, 0, "/y/new.so"), 0);
    cr_assert_str_eq(name_of(0x10010), "new.so+0x10");
    cr_assert_str_eq(name_of(0x11010), "old.so+0x1010");
}

Test(module_map, exported_functions_are_named_with_the_library)
{
    const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
    elf_facts f;
    char err[512];
    cr_assert_eq(elf_facts_load(libc, &f, err, sizeof err), 0, "%s", err);
    uint64_t qsort_r;
    cr_assert(elf_lookup(&f, "qsort_r", &qsort_r));
    elf_facts_free(&f);
    const uint64_t base = 0x7f0000000000;
    cr_assert_eq(module_map_add(&map, base, 0x400000, 0, libc), 0);
    cr_assert_str_eq(name_of(base + qsort_r), "qsort_r in libc.so.6");
    cr_assert_str_eq(name_of(base + qsort_r + 0x10), "qsort_r+0x10 in libc.so.6");
}
