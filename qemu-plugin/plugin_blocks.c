/* Blocks: each translation is sent once with its bytes (the harness decodes them), and
 * gets a callback at its start.  That callback compares where the vCPU is now with
 * where its previous block leads: after a block that ends in a call, return, indirect
 * or far branch it always tells the harness (the harness needs each one, and the target
 * of most of them is only known now), after any other block only when the vCPU is not
 * where that block's code goes (a signal was delivered, rt_sigreturn resumed elsewhere).
 * A second callback, on the last instruction of blocks that end in a transfer or a
 * system call, says that the block ran to its end (a fault can cut it short). */
#include "plugin_state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_BLOCK_INSNS = 512, MAX_INSN_BYTES = 16 };

static uint32_t next_tb_id;
static uintptr_t guest_base;
static int guest_base_known;

bool guest_memory_base(uintptr_t *base)
{
    if (!__atomic_load_n(&guest_base_known, __ATOMIC_ACQUIRE))
        return false;
    *base = guest_base;
    return true;
}

/* In user mode QEMU keeps guest memory at a fixed offset in its own: the host address
 * of an instruction it translated gives it, once the bytes there are the ones it read. */
static void learn_guest_base(const struct qemu_plugin_insn *insn)
{
    if (__atomic_load_n(&guest_base_known, __ATOMIC_RELAXED))
        return;
    const uint8_t *host = qemu_plugin_insn_haddr(insn);
    size_t len = qemu_plugin_insn_size(insn);
    if (!host || memcmp(host, qemu_plugin_insn_data(insn), len) != 0)
        return;
    guest_base = (uintptr_t)host - (uintptr_t)qemu_plugin_insn_vaddr(insn);
    __atomic_store_n(&guest_base_known, 1, __ATOMIC_RELEASE);
}

/* Does the code of block `prev` lead to pc?  Its end and its direct target do, and so
 * does a restart inside it (QEMU cuts a block short when it writes its own code, and
 * restarts a system call or a REP instruction at that instruction). */
static bool follows(const tb_info *prev, uint64_t pc)
{
    return pc == prev->end || pc == prev->target || (pc >= prev->pc && pc < prev->end);
}

static void on_block(unsigned int vcpu, void *udata)
{
    const tb_info *tb = udata;
    if (vcpu >= MAX_VCPUS)
        return;
    vcpu_state *v = &plugin_vcpus[vcpu];
    const tb_info *prev = v->last;
    if (!v->announced) {
        v->announced = true;
        emit_small(CS_THREAD, 0, vcpu, (uint32_t)gettid(), 0);
    } else if (prev && (prev->kind == END_TRANSFER || !follows(prev, tb->pc))) {
        emit_small(CS_XFER, v->reached_end ? CS_XFER_REACHED : 0, vcpu, prev->id, tb->id);
    }
    v->last = tb;
    v->reached_end = false;
    plugin_ring.last_block[vcpu] = tb->id + 1;
}

static void on_last_insn(unsigned int vcpu, void *udata)
{
    (void)udata;
    if (vcpu < MAX_VCPUS)
        plugin_vcpus[vcpu].reached_end = true;
}

static tb_info *describe(struct qemu_plugin_tb *tb, uint8_t *lens, uint8_t *bytes, size_t n,
                         size_t *nbytes)
{
    tb_info *info = malloc(sizeof *info);
    if (!info)
        return NULL;
    const struct qemu_plugin_insn *last = NULL;
    *nbytes = 0;
    for (size_t i = 0; i < n; i++) {
        const struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        size_t len = qemu_plugin_insn_size(insn);
        if (len > MAX_INSN_BYTES)
            len = MAX_INSN_BYTES;
        lens[i] = (uint8_t)len;
        memcpy(bytes + *nbytes, qemu_plugin_insn_data(insn), len);
        *nbytes += len;
        last = insn;
    }
    learn_guest_base(qemu_plugin_tb_get_insn(tb, 0));
    uint64_t last_pc = qemu_plugin_insn_vaddr(last);
    size_t last_len = lens[n - 1];
    block_end e = block_end_of(bytes + *nbytes - last_len, last_len, last_pc);
    info->pc = qemu_plugin_tb_vaddr(tb);
    info->end = last_pc + last_len;
    info->target = e.target;
    info->kind = e.kind;
    info->id = __atomic_fetch_add(&next_tb_id, 1, __ATOMIC_RELAXED);
    return info;
}

void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    uint8_t lens[MAX_BLOCK_INSNS], bytes[MAX_BLOCK_INSNS * MAX_INSN_BYTES];
    size_t n = qemu_plugin_tb_n_insns(tb), nbytes;
    if (n == 0)
        return;
    if (n > MAX_BLOCK_INSNS) {
        emit_note("a block at 0x%llx has %zu instructions; the plugin takes %d",
                  (unsigned long long)qemu_plugin_tb_vaddr(tb), n, MAX_BLOCK_INSNS);
        return;
    }
    static int layout_sent;
    if (!__atomic_exchange_n(&layout_sent, 1, __ATOMIC_RELAXED))
        emit_layout(qemu_plugin_start_code(), qemu_plugin_entry_code());
    tb_info *info = describe(tb, lens, bytes, n, &nbytes);
    if (!info) {
        emit_note("out of memory describing the block at 0x%llx",
                  (unsigned long long)qemu_plugin_tb_vaddr(tb));
        return;
    }
    emit_tb(info->pc, info->id, lens, (unsigned)n, bytes, (unsigned)nbytes);
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, info);
    if (info->kind != END_FALLS_THROUGH)
        qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_tb_get_insn(tb, n - 1), on_last_insn,
                                               QEMU_PLUGIN_CB_NO_REGS, NULL);
}
