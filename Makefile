# cetharness — see README.md.  Everything is built under build/.
#   make            build/cetharness (optimised)
#   make check      unit + integration tests and the whole corpus, under ASan/UBSan
#   make suite      the conformance corpus against $(QEMU), reports in build/reports/
#   make conformance   grade $(QEMU) (with QEMU_ARGS, e.g. a plugin) as a CET emulator
#   make bench      benchmark: events per second and cost per event against a bare stop
# QEMU=/path/to/qemu-x86_64 selects the emulator (default: qemu-x86_64 from PATH).

QEMU ?= qemu-x86_64
# The corpus line "N passed, N failed" must be the last line of make check.
MAKEFLAGS += --no-print-directory
CC ?= gcc
CXX ?= g++
NASM ?= nasm
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

B ?= build
PKGS := capstone libelf libxml-2.0 json-c
# Recursive on purpose: pkg-config must run after ci/install-deps, not at parse time.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
INCLUDES := -I. -Irsp -Iharness -Ireports
CFLAGS_REL = $(WARN) -O2 -g $(INCLUDES) $(PKG_CFLAGS)
CFLAGS_SAN = $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined $(INCLUDES) $(PKG_CFLAGS)
LDFLAGS_SAN := -fsanitize=address,undefined

RSP_SRC := $(wildcard rsp/*.c)
REPORTS_SRC := $(wildcard reports/*.c)
HARNESS_SRC := $(filter-out harness/commands/main.c,$(wildcard harness/*/*.c harness/*/*/*.c)) \
               qemu-plugin/stream_ring.c
LIB_SRC := $(RSP_SRC) $(REPORTS_SRC) $(HARNESS_SRC)
UNIT_SRC := $(wildcard tests/unit/*.c)
INTEG_SRC := $(wildcard tests/integration/*.c)

REL_LIB := $(B)/libcetharness.a
SAN_LIB := $(B)/asan/libcetharness.a

.PHONY: all deps check suite conformance bench fuzz clean unit integration corpus progs check-corpus
all: $(B)/cetharness plugin

deps:
	@ci/install-deps

$(B)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -MMD -MP -c $< -o $@
$(B)/asan/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -MMD -MP -c $< -o $@

$(REL_LIB): $(LIB_SRC:%.c=$(B)/obj/%.o)
	@rm -f $@; ar rcs $@ $^
$(SAN_LIB): $(LIB_SRC:%.c=$(B)/asan/obj/%.o)
	@rm -f $@; ar rcs $@ $^

$(B)/cetharness: $(B)/obj/harness/commands/main.o $(REL_LIB)
	$(CC) -o $@ $^ $(PKG_LIBS) -lm
$(B)/asan/cetharness: $(B)/asan/obj/harness/commands/main.o $(SAN_LIB)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(PKG_LIBS) -lm

# --- guest programs --------------------------------------------------------
# Integration-test programs: tests/integration/progs/NAME.{asm,c} -> build/progs/NAME
PROG_ASM := $(wildcard tests/integration/progs/*.asm)
PROG_C := $(wildcard tests/integration/progs/*.c)
PROGS := $(PROG_ASM:tests/integration/progs/%.asm=$(B)/progs/%) \
         $(PROG_C:tests/integration/progs/%.c=$(B)/progs/%)
$(B)/progs/%: tests/integration/progs/%.asm | deps
	@mkdir -p $(B)/progs/obj
	$(NASM) -f elf64 -I asm/ -o $(B)/progs/obj/$*.o $<
	ld -static -nostdlib -o $@ $(B)/progs/obj/$*.o
# C test programs are ordinary dynamically linked glibc programs.
$(B)/progs/%: tests/integration/progs/%.c | deps
	@mkdir -p $(B)/progs
	$(CC) -O1 -g -fno-omit-frame-pointer -pthread -o $@ $<
# The same program marked IBT+SHSTK (forced: Debian's crt files carry no marks), for
# --ibt/--shstk=auto: once dynamically linked, once static.
$(B)/progs/qsort-smash-marked: tests/integration/progs/qsort-smash.c | deps
	@mkdir -p $(B)/progs
	$(CC) -O1 -g -fno-omit-frame-pointer -fcf-protection=full -Wl,-z,ibt -Wl,-z,shstk -o $@ $<
$(B)/progs/qsort-smash-marked-static: tests/integration/progs/qsort-smash.c | deps
	@mkdir -p $(B)/progs
	$(CC) -O1 -g -static -fno-omit-frame-pointer -fcf-protection=full -Wl,-z,ibt -Wl,-z,shstk -o $@ $<
PROGS += $(B)/progs/qsort-smash-marked $(B)/progs/qsort-smash-marked-static
# A stand-in dynamic loader for a -L sysroot: a static PIE, as loaders are.
$(B)/progs/sysroot-loader: tests/integration/progs/sysroot-loader.asm | deps
	@mkdir -p $(B)/progs/obj
	$(NASM) -f elf64 -I asm/ -o $(B)/progs/obj/sysroot-loader.o $<
	ld -static -pie --no-dynamic-linker -nostdlib -o $@ $(B)/progs/obj/sysroot-loader.o
$(B)/progs/elf32: tests/integration/progs/elf32.asm | deps
	@mkdir -p $(B)/progs/obj
	$(NASM) -f elf32 -o $(B)/progs/obj/elf32.o $<
	ld -m elf_i386 -o $@ $(B)/progs/obj/elf32.o
progs: $(PROGS)

include corpus.mk
include tests/emulator/plugin.mk
include qemu-plugin/plugin.mk

# --- tests -----------------------------------------------------------------
$(B)/asan/unit-tests: $(UNIT_SRC:%.c=$(B)/asan/obj/%.o) $(SAN_LIB)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(PKG_LIBS) -lcriterion -lm
$(B)/asan/integration-tests: $(INTEG_SRC:%.c=$(B)/asan/obj/%.o) $(SAN_LIB)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(PKG_LIBS) -lcriterion -lm

# Criterion forks one worker per test; each integration test starts its own QEMU on
# its own private socket, so they can run in parallel.
unit: $(B)/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 $(B)/asan/unit-tests --jobs=$(JOBS)
integration: $(B)/asan/integration-tests $(B)/asan/cetharness $(PROGS) $(B)/progs/elf32 corpus \
             $(CET_PLUGIN) plugin
	CETHARNESS=$(B)/asan/cetharness PROGS=$(B)/progs CORPUS=$(B)/corpus QEMU=$(QEMU) PLUGIN=$(CET_PLUGIN) \
	  $(B)/asan/integration-tests --jobs=$(JOBS)

check: deps
	@ci/install-deps --browser
	tests/check-layers
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) check-corpus

# The reports are checked (schema, rendered DOM) even when cases fail; the corpus's
# own status decides the target's, and its "N passed, N failed" line is the last.
check-corpus: $(B)/asan/cetharness corpus
	@mkdir -p $(B)/reports
	@status=0; \
	$(B)/asan/cetharness suite --qemu "$(QEMU)" -j $(JOBS) --build-dir $(B) \
	  --junit $(B)/reports/junit.xml --html $(B)/reports/report.html \
	  --json $(B)/reports/report.json > $(B)/reports/suite.log || status=$$?; \
	tests/reports/check-reports $(B)/reports/junit.xml $(B)/reports/report.html $(B)/reports || status=1; \
	cat $(B)/reports/suite.log; exit $$status

suite: $(B)/cetharness corpus
	@mkdir -p $(B)/reports
	$(B)/cetharness suite --qemu "$(QEMU)" -j $(JOBS) --build-dir $(B) \
	  --junit $(B)/reports/junit.xml --html $(B)/reports/report.html \
	  --json $(B)/reports/report.json

# The emulator's own options (a plugin, -cpu) in QEMU_ARGS, split at spaces.
QEMU_ARGS ?=
conformance: $(B)/cetharness corpus
	@mkdir -p $(B)/reports
	$(B)/cetharness suite --conformance --qemu "$(QEMU)" -j $(JOBS) --build-dir $(B) \
	  $(foreach a,$(QEMU_ARGS),--run-option=--qemu-arg=$(a)) \
	  --junit $(B)/reports/conformance.xml --html $(B)/reports/conformance.html \
	  --json $(B)/reports/conformance.json

$(B)/bench/%-guest: bench/%-guest.asm | deps
	@mkdir -p $(B)/bench
	$(NASM) -f elf64 -o $@.o $<
	ld -static -nostdlib -o $@ $@.o
$(B)/bench/bare-stop: bench/bare_stop.c $(REL_LIB)
	@mkdir -p $(B)/bench
	$(CC) $(CFLAGS_REL) -o $@ $^ $(PKG_LIBS)

bench: $(B)/cetharness plugin $(B)/bench/bench-guest $(B)/bench/bare-stop $(B)/bench/bare-guest \
       $(B)/progs/threads4
	bench/run-real-programs "$(QEMU)" $(B)
	bench/run-bench "$(QEMU)" $(B)

FUZZ_CC ?= clang
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -DFUZZING -fsanitize=fuzzer,address,undefined $(INCLUDES)
fuzz: | deps
	@mkdir -p $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) rsp/*.c fuzz/fuzz_rsp_packet.c -o $(B)/fuzz/fuzz_rsp_packet
	$(FUZZ_CC) $(FUZZ_FLAGS) harness/suite/case_manifest.c harness/suite/case_manifest_reader.c \
	    harness/suite/case_manifest_expect.c harness/suite/case_manifest_directives.c \
	    harness/suite/case_manifest_words.c fuzz/fuzz_case_manifest.c -o $(B)/fuzz/fuzz_case_manifest
	@echo "run e.g. $(B)/fuzz/fuzz_rsp_packet -max_total_time=60"

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
