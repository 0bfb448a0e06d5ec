/* The ring of stream_format.h records in memory shared by QEMU (the plugin writes) and
 * the harness (it reads): creating it (the harness), mapping it (both), reserving and
 * committing records (the plugin's vCPU threads, any number at once), and reading them
 * in order (one reader).  The data area is mapped twice in a row, so a record that runs
 * past its end continues at its start in memory: records are written and read in place.
 * Used by the plugin and by the harness's plugin engine; knows nothing of either. */
#ifndef QEMU_PLUGIN_STREAM_RING_H
#define QEMU_PLUGIN_STREAM_RING_H

#include "stream_format.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CS_RING_DATA_BYTES = 4u << 20, CS_RECORD_MAX = 32768 };

typedef struct cs_ring {
    cs_ring_header *hdr;
    uint8_t *data;         /* data_bytes, then the same bytes again */
    uint64_t data_bytes;
    void *area;            /* the reservation both data mappings live in */
    uint32_t *last_block;  /* CS_MAX_VCPUS entries in the header (stream_format.h) */
    /* reader only */
    uint64_t read;         /* position of the next record */
    uint64_t zeroed;       /* up to here the reader has zeroed and published `consumed` */
} cs_ring;

/* The harness: a memory file of a ring with data_bytes (a power of two, at least four
 * times the largest record written into it) of data, its
 * header filled in, not closed on exec (QEMU inherits it).  The fd, or -1 with errno. */
int cs_ring_create(uint64_t data_bytes);
/* Map the ring in fd (made by cs_ring_create).  0, or -1 with errno (EPROTO: the memory
 * holds no ring of this format). */
int cs_ring_map(int fd, cs_ring *r);
void cs_ring_unmap(cs_ring *r);

/* Writer: room for a record of size bytes (a multiple of 8, at most CS_RECORD_MAX),
 * waiting while the reader is a ring behind.  Fill everything after the first word
 * (h.size too), then cs_ring_commit.  NULL when the reader has gone. */
void *cs_ring_reserve(cs_ring *r, uint32_t size);
void cs_ring_commit(void *record, uint32_t word);

/* Reader: the next record if it is complete, else NULL.  *bad is set when the memory
 * there holds no valid record (then the stream cannot go on). */
const cs_hdr *cs_ring_peek(cs_ring *r, bool *bad);
/* Done with the record cs_ring_peek gave; its memory may be reused at any time after
 * cs_ring_release or the next cs_ring_next. */
void cs_ring_next(cs_ring *r, const cs_hdr *h);
/* Hand every record read so far back to the writers (zeroed).  cs_ring_next does it
 * now and then; call it before waiting for more. */
void cs_ring_release(cs_ring *r);
/* Tell writers to drop their records from now on (the reader stops). */
void cs_ring_leave(cs_ring *r);

#endif
