# The CET-enforcing QEMU plugin used as the emulator under test in conformance mode.
# Included by the Makefile; also usable alone:
#   make -f tests/emulator/plugin.mk [B=build] build/emulator/libcetplugin.so
# Run:  qemu-x86_64 -plugin $(B)/emulator/libcetplugin.so[,bug=NAME...] PROGRAM
# qemu-plugin.h is not in any Debian binary package; ci/install-deps fetches QEMU 7.2's
# copy into $(B)/qemu-include/qemu/ the first time (see tests/emulator/cet_plugin.c).

B ?= build
ifeq ($(origin CC),default)
CC := gcc
endif

CET_PLUGIN := $(B)/emulator/libcetplugin.so
CET_PLUGIN_SRC := tests/emulator/cet_plugin.c tests/emulator/cet_model.c tests/emulator/cet_decode.c
CET_PLUGIN_HDR := tests/emulator/cet_model.h tests/emulator/cet_decode.h
CET_PLUGIN_INC := $(B)/qemu-include
CET_PLUGIN_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared -pthread

# install-deps does nothing when the header and the packages are already there.
$(CET_PLUGIN): $(CET_PLUGIN_SRC) $(CET_PLUGIN_HDR)
	ci/install-deps --plugin-header $(CET_PLUGIN_INC)
	@mkdir -p $(dir $@)
	$(CC) $(CET_PLUGIN_CFLAGS) -I$(CET_PLUGIN_INC) -o $@ $(CET_PLUGIN_SRC)
