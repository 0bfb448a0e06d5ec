/* The x86 feature bits of a GNU property note (NT_GNU_PROPERTY_TYPE_0), the
 * marking that says a program was built for IBT and/or shadow stacks. */
#ifndef HARNESS_ELF_GNU_PROPERTY_H
#define HARNESS_ELF_GNU_PROPERTY_H

#include <stddef.h>
#include <stdint.h>

#define GNU_PROP_X86_FEATURE_1_AND 0xc0000002u
#define GNU_PROP_X86_FEATURE_1_IBT 0x1u
#define GNU_PROP_X86_FEATURE_1_SHSTK 0x2u

/* notes: the raw bytes of a PT_GNU_PROPERTY segment or .note.gnu.property section
 * (little-endian ELF64); align: its alignment (8 for ELF64; 4 accepted).
 * Returns 1 and sets *features when a GNU_PROPERTY_X86_FEATURE_1_AND property is
 * present, 0 when the notes hold none, -1 when they are malformed. */
int gnu_property_x86_features(const unsigned char *notes, size_t len, size_t align,
                              uint32_t *features);

#endif
