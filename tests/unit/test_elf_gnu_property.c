/* GNU property note parsing on hand-built note bytes (little-endian ELF64). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "guest/elf_gnu_property.h"

typedef struct note_buf {
    unsigned char b[256];
    size_t len;
} note_buf;

static void put32(note_buf *n, uint32_t v)
{
    cr_assert_leq(n->len + 4, sizeof n->b);
    memcpy(n->b + n->len, &v, 4);
    n->len += 4;
}

/* A note header with owner "GNU"; desc bytes follow via put32. */
static void note_header(note_buf *n, const char *owner, uint32_t descsz, uint32_t type)
{
    put32(n, 4);
    put32(n, descsz);
    put32(n, type);
    memcpy(n->b + n->len, owner, 4);
    n->len += 4;
}

static int parse(const note_buf *n, uint32_t *features)
{
    *features = 0xdeadbeef;
    return gnu_property_x86_features(n->b, n->len, 8, features);
}

Test(gnu_property, ibt_and_shstk)
{
    note_buf n = {0};
    note_header(&n, "GNU", 16, 5);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 3); put32(&n, 0);
    uint32_t f;
    cr_assert_eq(parse(&n, &f), 1);
    cr_assert_eq(f, 3);
}

Test(gnu_property, skips_other_properties_with_padding)
{
    note_buf n = {0};
    note_header(&n, "GNU", 16 + 24 + 16, 5);
    /* ISA_1_USED, 4 bytes padded to 8 */
    put32(&n, 0xc0010002); put32(&n, 4); put32(&n, 0x7); put32(&n, 0);
    /* an unknown property with 12 data bytes, padded to 16 */
    put32(&n, 0xc0001234); put32(&n, 12);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 1); put32(&n, 0);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 2); put32(&n, 0);
    uint32_t f;
    cr_assert_eq(parse(&n, &f), 1);
    /* The words inside the unknown property's data must not be taken for a property. */
    cr_assert_eq(f, 2);
}

Test(gnu_property, finds_property_note_after_another_note)
{
    note_buf n = {0};
    note_header(&n, "GNU", 16, 1);    /* NT_GNU_ABI_TAG */
    put32(&n, 0); put32(&n, 3); put32(&n, 2); put32(&n, 0);
    note_header(&n, "GNU", 16, 5);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 1); put32(&n, 0);
    uint32_t f;
    cr_assert_eq(parse(&n, &f), 1);
    cr_assert_eq(f, 1);
}

Test(gnu_property, ignores_other_owners_and_types)
{
    note_buf n = {0};
    note_header(&n, "GNV", 16, 5);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 3); put32(&n, 0);
    note_header(&n, "GNU", 16, 4);
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 3); put32(&n, 0);
    uint32_t f;
    cr_assert_eq(parse(&n, &f), 0);
    cr_assert_eq(gnu_property_x86_features(n.b, 0, 8, &f), 0);
}

Test(gnu_property, rejects_truncated_and_malformed)
{
    note_buf n = {0};
    note_header(&n, "GNU", 32, 5);    /* desc claims more bytes than present */
    put32(&n, GNU_PROP_X86_FEATURE_1_AND); put32(&n, 4); put32(&n, 3); put32(&n, 0);
    uint32_t f;
    cr_assert_eq(parse(&n, &f), -1);

    note_buf m = {0};
    note_header(&m, "GNU", 16, 5);    /* property data runs past the desc */
    put32(&m, GNU_PROP_X86_FEATURE_1_AND); put32(&m, 12); put32(&m, 3); put32(&m, 0);
    cr_assert_eq(parse(&m, &f), -1);

    note_buf w = {0};
    note_header(&w, "GNU", 16, 5);    /* FEATURE_1_AND must hold exactly 4 bytes */
    put32(&w, GNU_PROP_X86_FEATURE_1_AND); put32(&w, 8); put32(&w, 3); put32(&w, 0);
    cr_assert_eq(parse(&w, &f), -1);

    cr_assert_eq(gnu_property_x86_features(w.b, 10, 8, &f), -1);   /* half a header */
}
