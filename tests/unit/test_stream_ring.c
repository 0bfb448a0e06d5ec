/* The ring the plugin writes and the plugin engine reads (qemu-plugin/stream_ring.c),
 * both ends in one process: records come out whole and in order, across the end of
 * the data area and many times round it, from several writer threads at once (each
 * one's records in its own order, none lost or doubled), and writers stop once the
 * reader has left. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin/stream_ring.h"

TestSuite(stream_ring);

enum { SMALL_RING = 4096 };

typedef struct ring_pair { int fd; cs_ring writer, reader; } ring_pair;

static void open_pair(ring_pair *p, uint64_t bytes)
{
    p->fd = cs_ring_create(bytes);
    cr_assert_geq(p->fd, 0);
    cr_assert_eq(cs_ring_map(p->fd, &p->writer), 0);
    cr_assert_eq(cs_ring_map(p->fd, &p->reader), 0);
}

static void close_pair(ring_pair *p)
{
    cs_ring_unmap(&p->writer);
    cs_ring_unmap(&p->reader);
    close(p->fd);
}

/* A record of `words` 8-byte words after the header, each holding seq. */
static void put(cs_ring *r, unsigned vcpu, uint32_t seq, unsigned words)
{
    uint32_t size = (uint32_t)(sizeof(cs_hdr) + 8 * words);
    cs_hdr *h = cs_ring_reserve(r, size);
    cr_assert_not_null(h);
    h->size = size;
    uint64_t *w = (uint64_t *)(h + 1);
    for (unsigned i = 0; i < words; i++)
        w[i] = (uint64_t)vcpu << 32 | seq;
    cs_ring_commit(h, CS_WORD(CS_XFER, 0, vcpu));
}

/* The next record, waiting for it; checks it is whole. */
static void take(cs_ring *r, unsigned *vcpu, uint32_t *seq)
{
    const cs_hdr *h;
    bool bad;
    while (!(h = cs_ring_peek(r, &bad))) {
        cr_assert(!bad, "damaged record at %llu", (unsigned long long)r->read);
        cs_ring_release(r);
        sched_yield();
    }
    *vcpu = CS_WORD_VCPU(h->word);
    const uint64_t *w = (const uint64_t *)(h + 1);
    unsigned words = (h->size - sizeof *h) / 8;
    cr_assert_gt(words, 0);
    *seq = (uint32_t)w[0];
    for (unsigned i = 0; i < words; i++)
        cr_assert_eq(w[i], (uint64_t)*vcpu << 32 | *seq, "record torn at word %u", i);
    cs_ring_next(r, h);
}

Test(stream_ring, an_empty_ring_has_nothing_to_read)
{
    ring_pair p;
    bool bad = true;
    open_pair(&p, SMALL_RING);
    cr_assert_null(cs_ring_peek(&p.reader, &bad));
    cr_assert(!bad);
    close_pair(&p);
}

Test(stream_ring, records_come_out_in_order_across_the_end_many_times)
{
    ring_pair p;
    open_pair(&p, SMALL_RING);
    /* Sizes that do not divide the ring: records straddle its end. */
    for (uint32_t seq = 0; seq < 2000; seq++) {
        put(&p.writer, 0, seq, 1 + seq % 7);
        unsigned vcpu;
        uint32_t got;
        take(&p.reader, &vcpu, &got);
        cr_assert_eq(got, seq);
        cs_ring_release(&p.reader);
    }
    close_pair(&p);
}

Test(stream_ring, memory_not_yet_committed_is_not_read)
{
    ring_pair p;
    bool bad;
    open_pair(&p, SMALL_RING);
    cs_hdr *h = cs_ring_reserve(&p.writer, 16);
    h->size = 16;
    cr_assert_null(cs_ring_peek(&p.reader, &bad));
    cs_ring_commit(h, CS_WORD(CS_END, 0, 0));
    const cs_hdr *r = cs_ring_peek(&p.reader, &bad);
    cr_assert_not_null(r);
    cr_assert_eq(CS_WORD_TYPE(r->word), CS_END);
    close_pair(&p);
}

Test(stream_ring, a_record_of_an_impossible_size_is_damage)
{
    ring_pair p;
    bool bad;
    open_pair(&p, SMALL_RING);
    cs_hdr *h = cs_ring_reserve(&p.writer, 16);
    h->size = 12;
    cs_ring_commit(h, CS_WORD(CS_XFER, 0, 0));
    cr_assert_null(cs_ring_peek(&p.reader, &bad));
    cr_assert(bad);
    close_pair(&p);
}

enum { WRITERS = 4, PER_WRITER = 20000 };

typedef struct writer_arg { cs_ring *ring; unsigned vcpu; } writer_arg;

static void *write_many(void *arg)
{
    writer_arg *a = arg;
    for (uint32_t seq = 0; seq < PER_WRITER; seq++)
        put(a->ring, a->vcpu, seq, 1 + seq % 3);
    return NULL;
}

/* The ring is far smaller than what is written: writers wait for the reader. */
Test(stream_ring, writers_at_once_lose_nothing_and_keep_their_order)
{
    ring_pair p;
    pthread_t t[WRITERS];
    writer_arg args[WRITERS];
    uint32_t next[WRITERS] = {0};
    open_pair(&p, 1 << 14);
    for (unsigned i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg){&p.writer, i};
        pthread_create(&t[i], NULL, write_many, &args[i]);
    }
    for (unsigned n = 0; n < WRITERS * PER_WRITER; n++) {
        unsigned vcpu;
        uint32_t seq;
        take(&p.reader, &vcpu, &seq);
        cr_assert_lt(vcpu, WRITERS);
        cr_assert_eq(seq, next[vcpu], "writer %u: record %u after %u", vcpu, seq, next[vcpu]);
        next[vcpu]++;
    }
    for (unsigned i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    close_pair(&p);
}

Test(stream_ring, writers_drop_records_once_the_reader_has_left)
{
    ring_pair p;
    open_pair(&p, SMALL_RING);
    cs_ring_leave(&p.reader);
    cr_assert_null(cs_ring_reserve(&p.writer, 16));
    close_pair(&p);
}

Test(stream_ring, a_memory_file_without_a_ring_is_refused)
{
    cs_ring r;
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), 1 << 16), 0);
    cr_assert_eq(cs_ring_map(fileno(f), &r), -1);
    fclose(f);
}
