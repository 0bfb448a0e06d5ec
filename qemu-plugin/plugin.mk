# cetharness's QEMU plugin (qemu-plugin/), for the plugin engine (--engine=plugin).
# Included by the Makefile.  It is built next to the harness that loads it
# ($(B)/cetharness-plugin.so beside $(B)/cetharness, and a copy beside the ASan build),
# from QEMU's qemu-plugin.h, which no Debian binary package ships: ci/install-deps
# --plugin-header fetches QEMU 7.2's copy into $(B)/qemu-include/qemu/ (once).  Where
# that cannot be had, `make` says so and goes on: the harness then has no plugin engine.

CETHARNESS_PLUGIN := $(B)/cetharness-plugin.so
CETHARNESS_PLUGIN_SRC := $(wildcard qemu-plugin/*.c)
CETHARNESS_PLUGIN_HDR := $(wildcard qemu-plugin/*.h)
CETHARNESS_PLUGIN_INC := $(B)/qemu-include
CETHARNESS_PLUGIN_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -fPIC -shared \
                            -fvisibility=hidden

.PHONY: plugin
plugin:
	@if ci/install-deps --plugin-header $(CETHARNESS_PLUGIN_INC); then \
	  $(MAKE) $(CETHARNESS_PLUGIN) $(B)/asan/cetharness-plugin.so; \
	else \
	  echo "make: cetharness-plugin.so not built (no qemu-plugin.h): --engine=plugin is" \
	       "unavailable, --engine=auto reads QEMU's log instead" >&2; \
	fi

$(CETHARNESS_PLUGIN): $(CETHARNESS_PLUGIN_SRC) $(CETHARNESS_PLUGIN_HDR) \
                      $(CETHARNESS_PLUGIN_INC)/qemu/qemu-plugin.h
	@mkdir -p $(dir $@)
	$(CC) $(CETHARNESS_PLUGIN_CFLAGS) -I$(CETHARNESS_PLUGIN_INC) -o $@ $(CETHARNESS_PLUGIN_SRC)
$(B)/asan/cetharness-plugin.so: $(CETHARNESS_PLUGIN)
	@mkdir -p $(dir $@)
	cp $< $@
