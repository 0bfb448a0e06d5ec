# Corpus build rules, included by the Makefile (which defines B, NASM, CC, CXX).
#   asm/cases/CATEGORY/NAME.asm -> $(B)/corpus/CATEGORY/NAME   (NASM, linked with ld)
#   cases/CATEGORY/NAME.c       -> $(B)/corpus/CATEGORY/NAME   (freestanding C)
#   cases/libc/NAME.c           -> $(B)/corpus/libc/NAME       (ordinary C, static glibc)
#   cases/libc/NAME.cc          -> $(B)/corpus/libc/NAME       (ordinary C++, dynamically linked:
#                                  a static libgcc sorts every FDE at the first throw, 300 000 stops)
# Every program but the C++ ones is static, not PIE, and keeps its symbol table: the
# suite resolves the `at=LABEL` of a case header through .symtab.  NASM cases and freestanding C cases link
# against the runtime $(B)/corpus/runtime.a (asm/runtime/*.asm), which provides _start
# (calls main) and the helpers declared in asm/rt.inc and asm/runtime/cetrt.h.
# Rule for helpers: a routine a case needs but cannot write itself (e.g. a C case that
# needs a target without ENDBR64) goes into asm/runtime/ as a global symbol; there are no
# per-case helper files, so one source file is one case.

CORPUS_DIR := $(B)/corpus
CORPUS_RT_SRC := $(wildcard asm/runtime/*.asm)
CORPUS_RT_OBJ := $(CORPUS_RT_SRC:asm/runtime/%.asm=$(CORPUS_DIR)/obj/runtime/%.o)
CORPUS_RT := $(CORPUS_DIR)/runtime.a
CORPUS_INC := asm/cet.inc asm/rt.inc

CORPUS_ASM_SRC := $(wildcard asm/cases/*/*.asm)
CORPUS_C_SRC := $(filter-out cases/libc/%,$(wildcard cases/*/*.c))
CORPUS_LIBC_SRC := $(wildcard cases/libc/*.c)
CORPUS_LIBCXX_SRC := $(wildcard cases/libc/*.cc)
CORPUS_ASM_BIN := $(CORPUS_ASM_SRC:asm/cases/%.asm=$(CORPUS_DIR)/%)
CORPUS_C_BIN := $(CORPUS_C_SRC:cases/%.c=$(CORPUS_DIR)/%)
CORPUS_LIBC_BIN := $(CORPUS_LIBC_SRC:cases/%.c=$(CORPUS_DIR)/%)
CORPUS_LIBCXX_BIN := $(CORPUS_LIBCXX_SRC:cases/%.cc=$(CORPUS_DIR)/%)
CORPUS_BINS := $(CORPUS_ASM_BIN) $(CORPUS_C_BIN) $(CORPUS_LIBC_BIN) $(CORPUS_LIBCXX_BIN)

CORPUS_NASMFLAGS := -f elf64 -g -F dwarf -I asm/
# Freestanding C built the way a CET-enabled toolchain builds: ENDBR64 on address-taken
# functions, NOTRACK on switch tables.  -O1 keeps the code close to the source.
CORPUS_CFLAGS := -std=gnu11 -O1 -g -fcf-protection=full -fno-pic -ffreestanding \
                 -fno-stack-protector -fno-builtin -Iasm/runtime
CORPUS_LDFLAGS := -static -no-pie -nostdlib
# The system glibc is not CET-built; these cases say what that means under IBT/SHSTK.
CORPUS_LIBC_CFLAGS := -O1 -g -fcf-protection=full -static -no-pie
CORPUS_LIBCXX_FLAGS := -O1 -g -fcf-protection=full

.PHONY: corpus
corpus: $(CORPUS_BINS)

$(CORPUS_DIR)/obj/runtime/%.o: asm/runtime/%.asm asm/cet.inc
	@mkdir -p $(dir $@)
	$(NASM) $(CORPUS_NASMFLAGS) -o $@ $<

$(CORPUS_RT): $(CORPUS_RT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CORPUS_DIR)/obj/%.asm.o: asm/cases/%.asm $(CORPUS_INC)
	@mkdir -p $(dir $@)
	$(NASM) $(CORPUS_NASMFLAGS) -o $@ $<

$(CORPUS_DIR)/obj/%.c.o: cases/%.c asm/runtime/cetrt.h
	@mkdir -p $(dir $@)
	$(CC) $(CORPUS_CFLAGS) -c -o $@ $<

$(CORPUS_ASM_BIN): $(CORPUS_DIR)/%: $(CORPUS_DIR)/obj/%.asm.o $(CORPUS_RT)
	@mkdir -p $(dir $@)
	ld -static -nostdlib -o $@ $< $(CORPUS_RT)

$(CORPUS_C_BIN): $(CORPUS_DIR)/%: $(CORPUS_DIR)/obj/%.c.o $(CORPUS_RT)
	@mkdir -p $(dir $@)
	$(CC) $(CORPUS_LDFLAGS) -o $@ $< $(CORPUS_RT) -lgcc

$(CORPUS_LIBC_BIN): $(CORPUS_DIR)/libc/%: cases/libc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CORPUS_LIBC_CFLAGS) -o $@ $<

$(CORPUS_LIBCXX_BIN): $(CORPUS_DIR)/libc/%: cases/libc/%.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CORPUS_LIBCXX_FLAGS) -o $@ $<
