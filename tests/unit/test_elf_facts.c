/* elf_facts on ELF files built at test time with nasm, ld and gcc. Expected
 * addresses come from nm/readelf, never from the code under test. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/elf_facts.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cetharness-elftest-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(elf_facts, .init = make_dir, .fini = remove_dir, .timeout = 60);

static const char *in_dir(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[1200];
    snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
    cr_assert_eq(system(full), 0, "command failed: %s", cmd);
}

/* First line of a shell command's output (run in dir). */
static void sh_output(char *out, size_t cap, const char *cmd)
{
    char full[1200];
    snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p);
    out[0] = '\0';
    if (fgets(out, (int)cap, p))
        out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

static uint64_t nm_address(const char *file, const char *sym)
{
    char cmd[512], out[128];
    snprintf(cmd, sizeof cmd, "nm '%s' | awk '$3 == \"%s\" { print $1; exit }'", file, sym);
    sh_output(out, sizeof out, cmd);
    cr_assert_neq(out[0], '\0', "nm does not list %s in %s", sym, file);
    return strtoull(out, NULL, 16);
}

static void patch_bytes(const char *name, long off, const void *bytes, size_t n)
{
    FILE *f = fopen(in_dir(name), "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

/* Static program: a sized function f with a same-address label a_f, a sized k
 * followed by padding, a trailing label "tail" and an absolute constant. */
static const char static_asm[] =
    "SYS_EXIT equ 60\n"
    "global _start\n"
    "global f:function 8\n"
    "global k:function 2\n"
    "section .text\n"
    "_start: call f\n"
    "        mov eax, SYS_EXIT\n"
    "        xor edi, edi\n"
    "        syscall\n"
    "        align 16\n"
    "a_f:\n"
    "f:      times 7 nop\n"
    "        ret\n"
    "        align 16\n"
    "k:      nop\n"
    "        ret\n"
    "        align 16\n"
    "tail:   times 5 nop\n"
    "        ret\n"
    "section .data\n"
    "global counter:data 8\n"
    "counter: dq 0\n";

static const char *build_static(void)
{
    write_file("s.asm", static_asm);
    sh("nasm -f elf64 -o s.o s.asm && ld -o s s.o");
    return in_dir("s");
}

static void load_ok(const char *path, elf_facts *f)
{
    char err[256] = "";
    cr_assert_eq(elf_facts_load(path, f, err, sizeof err), 0, "load failed: %s", err);
}

static void expect_error(const char *path, const char *expected_tail)
{
    elf_facts f;
    char err[256] = "", expected[512];
    cr_assert_eq(elf_facts_load(path, &f, err, sizeof err), -1);
    snprintf(expected, sizeof expected, "%s: %s", path, expected_tail);
    cr_assert_str_eq(err, expected);
    cr_assert_null(f.symbols);
    elf_facts_free(&f);
}

/* ---- errors ---------------------------------------------------------------- */

Test(elf_facts, missing_file)
{
    expect_error(in_dir("nope"), "no such file");
}

Test(elf_facts, directory)
{
    expect_error(dir, "is a directory, not a program");
}

Test(elf_facts, unreadable_file)
{
    if (geteuid() == 0) {
        remove_dir();    /* a skipped test does not run .fini */
        cr_skip_test("root reads files whatever their mode");
    }
    const char *p = build_static();
    cr_assert_eq(chmod(p, 0), 0);
    expect_error(p, "cannot open: Permission denied");
}

Test(elf_facts, text_and_empty_files_are_not_elf)
{
    write_file("notes.txt", "just some text, longer than an ELF identification\n");
    write_file("empty", "");
    write_file("short", "\177ELF");
    expect_error(in_dir("notes.txt"), "not an ELF file");
    expect_error(in_dir("empty"), "not an ELF file");
    expect_error(in_dir("short"), "not an ELF file");
}

Test(elf_facts, elf32_is_rejected)
{
    write_file("t32.asm", "global _start\nsection .text\n_start: mov eax, 1\n int 0x80\n");
    sh("nasm -f elf32 -o t32.o t32.asm && ld -m elf_i386 -o t32 t32.o");
    expect_error(in_dir("t32"), "32-bit ELF; cetharness runs x86-64 programs only");
}

static void expect_machine_error(uint16_t machine, const char *tail)
{
    build_static();
    sh("cp s other");
    patch_bytes("other", 18, &machine, 2);    /* e_machine, little-endian */
    expect_error(in_dir("other"), tail);
}

Test(elf_facts, other_machines_are_named)
{
    expect_machine_error(183, "ELF for machine 183 (EM_AARCH64, AArch64), not x86-64");
    expect_machine_error(40, "ELF for machine 40 (EM_ARM, ARM), not x86-64");
    expect_machine_error(3, "ELF for machine 3 (EM_386, i386), not x86-64");
    expect_machine_error(0x1234, "ELF for machine 4660, not x86-64");
}

Test(elf_facts, object_file_and_core_are_not_executables)
{
    build_static();
    expect_error(in_dir("s.o"), "relocatable object file (ET_REL), not an executable");
    sh("cp s core");
    uint16_t et_core = 4;
    patch_bytes("core", 16, &et_core, 2);    /* e_type */
    expect_error(in_dir("core"), "core dump (ET_CORE), not an executable");
}

/* ---- facts ------------------------------------------------------------------ */

static const elf_segment *segment_of(const elf_facts *f, uint64_t addr)
{
    for (size_t i = 0; i < f->nsegments; i++)
        if (addr >= f->segments[i].vaddr && addr - f->segments[i].vaddr < f->segments[i].memsz)
            return &f->segments[i];
    return NULL;
}

Test(elf_facts, static_program_facts)
{
    const char *p = build_static();
    elf_facts f;
    load_ok(p, &f);
    cr_assert_str_eq(f.path, p);
    cr_assert_not(f.is_pie);
    cr_assert_not(f.has_interp);
    cr_assert_null(f.interp);
    cr_assert_not(f.prop_ibt);
    cr_assert_not(f.prop_shstk);
    cr_assert_eq(f.entry, nm_address(p, "_start"));

    char loads[32];
    sh_output(loads, sizeof loads, "readelf -lW s | grep -c '^ *LOAD '");
    cr_assert_eq(f.nsegments, strtoul(loads, NULL, 10));
    const elf_segment *text = segment_of(&f, f.entry);
    cr_assert_not_null(text);
    cr_assert(text->exec);
    cr_assert_not(text->write);
    const elf_segment *data = segment_of(&f, nm_address(p, "counter"));
    cr_assert_not_null(data);
    cr_assert(data->write);
    cr_assert_not(data->exec);
    elf_facts_free(&f);
}

Test(elf_facts, symbols_sorted_and_filtered)
{
    const char *p = build_static();
    elf_facts f;
    load_ok(p, &f);
    cr_assert_gt(f.nsymbols, 5);
    for (size_t i = 1; i < f.nsymbols; i++)
        cr_assert_leq(f.symbols[i - 1].addr, f.symbols[i].addr);
    for (size_t i = 0; i < f.nsymbols; i++) {
        cr_assert_neq(f.symbols[i].name[0], '\0');
        cr_assert_str_neq(f.symbols[i].name, "s.asm");       /* STT_FILE */
        cr_assert_str_neq(f.symbols[i].name, "SYS_EXIT");    /* absolute */
    }
    uint64_t a = 0;
    const char *names[] = {"_start", "f", "a_f", "k", "tail", "counter"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cr_assert(elf_lookup(&f, names[i], &a), "%s not found", names[i]);
        cr_assert_eq(a, nm_address(p, names[i]), "%s", names[i]);
    }
    cr_assert_not(elf_lookup(&f, "SYS_EXIT", &a));
    cr_assert_not(elf_lookup(&f, "missing", &a));
    for (size_t i = 0; i < f.nsymbols; i++)
        if (strcmp(f.symbols[i].name, "f") == 0)
            cr_assert(f.symbols[i].is_func && f.symbols[i].size == 8);
    elf_facts_free(&f);
}

static const char *sym_at(const elf_facts *f, uint64_t bias, uint64_t addr)
{
    static char buf[128];
    memset(buf, 'x', sizeof buf);
    return elf_symbolize(f, bias, addr, buf, sizeof buf);
}

Test(elf_facts, symbolize_static)
{
    const char *p = build_static();
    elf_facts f;
    load_ok(p, &f);
    uint64_t start = nm_address(p, "_start"), fn = nm_address(p, "f");
    uint64_t k = nm_address(p, "k"), tail = nm_address(p, "tail");
    cr_assert_str_eq(sym_at(&f, 0, start), "_start");
    cr_assert_str_eq(sym_at(&f, 0, start + 3), "_start+0x3");
    cr_assert_str_eq(sym_at(&f, 0, start - 1), "");          /* before the first symbol */
    cr_assert_str_eq(sym_at(&f, 0, 60), "");                 /* the equ constant's value */
    cr_assert_str_eq(sym_at(&f, 0, fn), "f");                /* function beats label a_f */
    cr_assert_str_eq(sym_at(&f, 0, fn + 4), "f+0x4");
    cr_assert_str_eq(sym_at(&f, 0, fn + 7), "f+0x7");
    /* f has size 8, but the label a_f at the same address runs on to k. */
    cr_assert_str_eq(sym_at(&f, 0, fn + 8), "a_f+0x8");
    cr_assert_str_eq(sym_at(&f, 0, k + 1), "k+0x1");
    cr_assert_str_eq(sym_at(&f, 0, k + 2), "");              /* padding after sized k */
    cr_assert_str_eq(sym_at(&f, 0, tail + 5), "tail+0x5");
    const elf_segment *text = segment_of(&f, tail);
    cr_assert_not_null(text);
    uint64_t end = text->vaddr + text->memsz;
    cr_assert_null(segment_of(&f, end), "test needs a gap after the text segment");
    char want[64];
    snprintf(want, sizeof want, "tail+0x%" PRIx64, end - 1 - tail);
    cr_assert_str_eq(sym_at(&f, 0, end - 1), want);
    cr_assert_str_eq(sym_at(&f, 0, end), "");                /* label stops at segment end */
    elf_facts_free(&f);
}

Test(elf_facts, symbolize_bias_and_small_buffer)
{
    const char *p = build_static();
    elf_facts f;
    load_ok(p, &f);
    uint64_t fn = nm_address(p, "f"), bias = 0x7f0000000000;
    cr_assert_str_eq(sym_at(&f, bias, bias + fn + 4), "f+0x4");
    cr_assert_str_eq(sym_at(&f, bias, fn + 4), "");          /* below the bias */
    char small[4];
    cr_assert_str_eq(elf_symbolize(&f, 0, fn + 4, small, sizeof small), "f+0");
    elf_facts_free(&f);
}

static const char pie_c[] =
    "int f(int x) { return x + 1; }\n"
    "int main(void) { return f(1) - 2; }\n";

Test(elf_facts, pie_facts_and_dynsym_fallback)
{
    write_file("pie.c", pie_c);
    sh("gcc -fPIE -pie -rdynamic -o pie pie.c && cp pie pie.stripped && strip pie.stripped");
    elf_facts f, s;
    load_ok(in_dir("pie"), &f);
    cr_assert(f.is_pie);
    cr_assert(f.has_interp);
    char interp[256];
    sh_output(interp, sizeof interp,
              "readelf -lW pie | sed -n 's/.*program interpreter: \\(.*\\)]/\\1/p'");
    cr_assert_neq(interp[0], '\0');
    cr_assert_str_eq(f.interp, interp);
    uint64_t fn = nm_address(in_dir("pie"), "f"), a;
    cr_assert(elf_lookup(&f, "f", &a));
    cr_assert_eq(a, fn);
    cr_assert_str_eq(sym_at(&f, 0x555555554000, 0x555555554000 + fn + 4), "f+0x4");

    load_ok(in_dir("pie.stripped"), &s);    /* no .symtab: symbols from .dynsym */
    cr_assert(elf_lookup(&s, "f", &a));
    cr_assert_eq(a, fn);
    cr_assert(elf_lookup(&s, "main", &a));
    cr_assert_lt(s.nsymbols, f.nsymbols);
    cr_assert_not(elf_lookup(&s, "pie.c", &a));
    elf_facts_free(&s);
    elf_facts_free(&f);
}

/* ---- GNU property note ------------------------------------------------------- */

Test(elf_facts, gcc_cf_protection_marks_ibt_and_shstk)
{
    write_file("cet.c", "void _start(void) { for (;;) __asm__ volatile(\"\"); }\n");
    sh("gcc -fcf-protection=full -nostdlib -static -o cet cet.c");
    char seen[256];
    sh_output(seen, sizeof seen, "readelf -n cet | grep -o 'x86 feature: .*'");
    cr_assert_str_eq(seen, "x86 feature: IBT, SHSTK");
    elf_facts f;
    load_ok(in_dir("cet"), &f);
    cr_assert(f.prop_ibt);
    cr_assert(f.prop_shstk);
    elf_facts_free(&f);
}

static void build_with_note(const char *name, unsigned features)
{
    char src[512], cmd[256];
    snprintf(src, sizeof src,
             "global _start\nsection .text\n_start: mov eax, 60\n xor edi, edi\n syscall\n"
             "section .note.gnu.property note alloc noexec nowrite align=8\n"
             " dd 4, 16, 5\n db \"GNU\", 0\n dd 0xc0000002, 4, %u, 0\n", features);
    snprintf(cmd, sizeof cmd, "%s.asm", name);
    write_file(cmd, src);
    sh("nasm -f elf64 -o %s.o %s.asm && ld -o %s %s.o", name, name, name, name);
}

Test(elf_facts, nasm_note_bits_are_read_separately)
{
    build_with_note("ibt", 1);
    build_with_note("shstk", 2);
    elf_facts a, b;
    load_ok(in_dir("ibt"), &a);
    load_ok(in_dir("shstk"), &b);
    cr_assert(a.prop_ibt);
    cr_assert_not(a.prop_shstk);
    cr_assert_not(b.prop_ibt);
    cr_assert(b.prop_shstk);
    elf_facts_free(&a);
    elf_facts_free(&b);
}

Test(elf_facts, gcc_without_cf_protection_is_unmarked)
{
    write_file("plain.c", "void _start(void) { for (;;) __asm__ volatile(\"\"); }\n");
    sh("gcc -fcf-protection=none -nostdlib -static -o plain plain.c");
    elf_facts f;
    load_ok(in_dir("plain"), &f);
    cr_assert_not(f.prop_ibt);
    cr_assert_not(f.prop_shstk);
    elf_facts_free(&f);
}
