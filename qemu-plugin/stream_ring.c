/* The shared ring: see stream_ring.h.  Positions only grow; a position's place in the
 * data area is the position modulo the data size.  A writer owns [pos, pos + size) from
 * its atomic add on `reserved` on, once the reader has zeroed that memory (`consumed`
 * is at least pos + size - data_bytes); the reader owns a record from the store of its
 * first word until it has zeroed it again. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* memfd_create */
#endif
#include "stream_ring.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The reader hands memory back in steps of this much, or of a quarter of the ring when
 * that is less (it must never read a whole ring without: the memory a ring ahead is the
 * records it read last, not zeroed yet), and when it waits. */
enum { RELEASE_STEP = 256u << 10 };

static uint64_t release_step(const cs_ring *r)
{
    return r->data_bytes / 4 < RELEASE_STEP ? r->data_bytes / 4 : RELEASE_STEP;
}

int cs_ring_create(uint64_t data_bytes)
{
    int fd = memfd_create("cetharness-stream", 0);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)(CS_RING_HEADER_BYTES + data_bytes)) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    cs_ring_header h = {.magic = CS_RING_MAGIC, .version = CS_FORMAT_VERSION,
                        .data_bytes = data_bytes};
    if (pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
        int e = errno ? errno : EIO;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static bool is_power_of_two(uint64_t n)
{
    return n >= 4096 && (n & (n - 1)) == 0;
}

int cs_ring_map(int fd, cs_ring *r)
{
    memset(r, 0, sizeof *r);
    r->hdr = mmap(NULL, CS_RING_HEADER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (r->hdr == MAP_FAILED) {
        r->hdr = NULL;
        return -1;
    }
    if (r->hdr->magic != CS_RING_MAGIC || r->hdr->version != CS_FORMAT_VERSION ||
        !is_power_of_two(r->hdr->data_bytes) || r->hdr->data_bytes > (1ull << 32)) {
        cs_ring_unmap(r);
        errno = EPROTO;
        return -1;
    }
    r->data_bytes = r->hdr->data_bytes;
    r->last_block = (uint32_t *)((uint8_t *)r->hdr + CS_LAST_BLOCK_OFFSET);
    size_t n = (size_t)r->data_bytes;
    r->area = mmap(NULL, 2 * n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r->area == MAP_FAILED) {
        r->area = NULL;
        cs_ring_unmap(r);
        return -1;
    }
    uint8_t *a = r->area;
    for (int i = 0; i < 2; i++)
        if (mmap(a + i * n, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
                 CS_RING_HEADER_BYTES) == MAP_FAILED) {
            int e = errno;
            cs_ring_unmap(r);
            errno = e;
            return -1;
        }
    r->data = a;
    return 0;
}

void cs_ring_unmap(cs_ring *r)
{
    if (r->area)
        munmap(r->area, 2 * (size_t)r->data_bytes);
    if (r->hdr)
        munmap(r->hdr, CS_RING_HEADER_BYTES);
    memset(r, 0, sizeof *r);
}

/* A short wait that grows: spinning costs a core the other process may need. */
static void back_off(unsigned *round)
{
    if (*round < 64) {
        __builtin_ia32_pause();
    } else if (*round < 128) {
        sched_yield();
    } else {
        struct timespec ts = {0, *round < 1024 ? 20000 : 200000};
        nanosleep(&ts, NULL);
    }
    (*round)++;
}

void *cs_ring_reserve(cs_ring *r, uint32_t size)
{
    cs_ring_header *h = r->hdr;
    if (__atomic_load_n(&h->reader_gone, __ATOMIC_RELAXED))
        return NULL;
    uint64_t pos = __atomic_fetch_add(&h->reserved, size, __ATOMIC_RELAXED);
    unsigned round = 0;
    while (__atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE) + r->data_bytes < pos + size) {
        if (__atomic_load_n(&h->reader_gone, __ATOMIC_RELAXED))
            return NULL;
        back_off(&round);
    }
    return r->data + (pos & (r->data_bytes - 1));
}

void cs_ring_commit(void *record, uint32_t word)
{
    __atomic_store_n(&((cs_hdr *)record)->word, word, __ATOMIC_RELEASE);
}

const cs_hdr *cs_ring_peek(cs_ring *r, bool *bad)
{
    const cs_hdr *h = (const cs_hdr *)(r->data + (r->read & (r->data_bytes - 1)));
    *bad = false;
    if (__atomic_load_n(&h->word, __ATOMIC_ACQUIRE) == 0)
        return NULL;
    if (h->size < sizeof *h || h->size > CS_RECORD_MAX || h->size % 8 != 0) {
        *bad = true;
        return NULL;
    }
    return h;
}

void cs_ring_next(cs_ring *r, const cs_hdr *h)
{
    r->read += h->size;
    if (r->read - r->zeroed >= release_step(r))
        cs_ring_release(r);
}

void cs_ring_release(cs_ring *r)
{
    if (r->read == r->zeroed)
        return;
    memset(r->data + (r->zeroed & (r->data_bytes - 1)), 0, (size_t)(r->read - r->zeroed));
    r->zeroed = r->read;
    __atomic_store_n(&r->hdr->consumed, r->read, __ATOMIC_RELEASE);
}

void cs_ring_leave(cs_ring *r)
{
    __atomic_store_n(&r->hdr->reader_gone, 1, __ATOMIC_RELEASE);
}
