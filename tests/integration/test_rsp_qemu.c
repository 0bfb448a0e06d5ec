/* The rsp library against the real qemu-x86_64 ($QEMU, else from PATH) running /bin/true. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsp.h"

enum { AT_ENTRY_KEY = 9, RIP_OFFSET = 16 * 8 };

static char dir[64], sock[128];
static pid_t qemu = -1;
static rsp_conn *conn;

static void start_qemu(void)
{
    snprintf(dir, sizeof dir, "/tmp/cetharness-rsptest-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(sock, sizeof sock, "%s/gdb.sock", dir);
    const char *emu = getenv("QEMU") ? getenv("QEMU") : "qemu-x86_64";
    qemu = fork();
    cr_assert_geq(qemu, 0);
    if (qemu == 0) {
        execlp(emu, emu, "-g", sock, "/bin/true", (char *)NULL);
        _exit(127);
    }
    char err[256];
    conn = rsp_connect_unix(sock, 10000, err, sizeof err);
    cr_assert_not_null(conn, "%s", err);
    char reply[512];
    cr_assert_eq(rsp_handshake(conn, "multiprocess+", reply, sizeof reply), RSP_OK, "%s",
                 rsp_error(conn));
}

static void stop_qemu(void)
{
    rsp_close(conn);
    if (qemu > 0) {
        kill(qemu, SIGKILL);
        waitpid(qemu, NULL, 0);
    }
    unlink(sock);
    rmdir(dir);
}

TestSuite(rsp_qemu, .init = start_qemu, .fini = stop_qemu, .timeout = 60);

#define OK(call) cr_assert_eq((call), RSP_OK, "%s: %s", #call, rsp_error(conn))

static uint64_t entry_point(void)
{
    char *auxv;
    size_t len;
    OK(rsp_read_xfer(conn, "auxv", "", &auxv, &len));
    uint64_t entry = 0;
    for (size_t i = 0; i + 16 <= len; i += 16) {
        uint64_t key, value;
        memcpy(&key, auxv + i, 8);
        memcpy(&value, auxv + i + 8, 8);
        if (key == AT_ENTRY_KEY)
            entry = value;
    }
    free(auxv);
    cr_assert_neq(entry, 0, "no AT_ENTRY in %zu bytes of auxv", len);
    return entry;
}

static uint64_t current_pc(void)
{
    uint8_t pc[8];
    size_t n;
    OK(rsp_read_register(conn, 16, pc, sizeof pc, &n));
    cr_assert_eq(n, 8);
    uint64_t v;
    memcpy(&v, pc, 8);
    return v;
}

Test(rsp_qemu, handshake_stop_query_and_target_description)
{
    cr_assert_geq(rsp_packet_size(conn), 4096);
    rsp_stop stop;
    OK(rsp_query_stop(conn, &stop));
    cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
    cr_assert_eq(stop.signal, 5);
    cr_assert(stop.has_thread);
    char *xml;
    size_t len;
    OK(rsp_read_xfer(conn, "features", "target.xml", &xml, &len));
    cr_assert(strstr(xml, "<target"), "%s", xml);
    free(xml);
}

/* QEMU 7.2 answers "p" only after the target description was read. */
static void read_target_description(void)
{
    char *xml;
    size_t len;
    OK(rsp_read_xfer(conn, "features", "target.xml", &xml, &len));
    free(xml);
}

Test(rsp_qemu, registers_and_memory_at_the_first_instruction)
{
    read_target_description();
    uint8_t regs[2048];
    size_t n;
    OK(rsp_read_registers(conn, regs, sizeof regs, &n));
    cr_assert_geq(n, RIP_OFFSET + 8);
    uint64_t pc;
    memcpy(&pc, regs + RIP_OFFSET, 8);
    cr_assert_eq(current_pc(), pc);

    uint8_t page[4096];
    uint64_t page_start = pc & ~(uint64_t)0xfff;
    OK(rsp_read_memory(conn, page_start, page, sizeof page));
    uint8_t at_pc[16];
    size_t offset = (size_t)(pc - page_start);
    size_t same = sizeof page - offset < sizeof at_pc ? sizeof page - offset : sizeof at_pc;
    OK(rsp_read_memory(conn, pc, at_pc, sizeof at_pc));
    cr_assert_arr_eq(at_pc, page + offset, same);
}

Test(rsp_qemu, unmapped_memory_is_an_error_reply)
{
    uint8_t buf[8];
    cr_assert_eq(rsp_read_memory(conn, 0, buf, sizeof buf), RSP_ERR_REPLY);
    cr_assert(strstr(rsp_error(conn), "E"), "%s", rsp_error(conn));
}

Test(rsp_qemu, breakpoint_at_entry_then_run_to_exit)
{
    read_target_description();
    rsp_stop stop;
    OK(rsp_query_stop(conn, &stop)); /* before Z0: "?" drops breakpoints */
    uint64_t entry = entry_point();
    OK(rsp_insert_breakpoint(conn, entry));
    OK(rsp_resume(conn, RSP_CONTINUE, 0, false, 0));
    OK(rsp_wait_stop(conn, 10000, &stop));
    cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
    cr_assert_eq(stop.signal, 5);
    cr_assert_eq(current_pc(), entry);

    OK(rsp_remove_breakpoint(conn, entry));
    OK(rsp_resume(conn, RSP_STEP, 0, false, 0));
    OK(rsp_wait_stop(conn, 10000, &stop));
    cr_assert_neq(current_pc(), entry);

    OK(rsp_resume(conn, RSP_CONTINUE, 0, false, 0));
    OK(rsp_wait_stop(conn, 10000, &stop));
    cr_assert_eq(stop.kind, RSP_STOP_EXITED);
    cr_assert_eq(stop.code, 0);
    const char *p;
    size_t n;
    cr_assert_eq(rsp_recv_packet(conn, 5000, &p, &n), RSP_ERR_EOF);
    cr_assert_eq(rsp_get_stats(conn)->resumes, 3);
}
