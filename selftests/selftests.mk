# SPDX-License-Identifier: GPL-2.0
# Builds the selftests into $(BUILD)/selftests, the directory scripts/vm-run
# copies into the guest. Included by the top-level Makefile.

KSFT_DIR := $(BUILD)/ksft
ST_OUT := $(BUILD)/selftests
ST_C_TESTS := ioctl_test control_test stroke_test sim_test fault_test limits_test cartridge_test power_test event_test button_test fuzz_test unplug_test faultinject_test stress_test hw_test hold_test
ST_SCRIPTS := run_tests.sh ktap.sh penctl_test.sh kunit_test.sh pentrace_test.sh
ST_CFLAGS := -O2 -g -Wall -Wextra -Wno-clobbered -Werror -std=gnu11 -D_GNU_SOURCE \
	-Iinclude/uapi -Iselftests -isystem $(KSFT_DIR)
ST_DEPS := selftests/pen_util.h selftests/pen_fixture.h selftests/pen_proc.h selftests/pen_expect.h $(KSFT_DIR)/kselftest_harness.h \
	include/uapi/linux/pen.h
# button_test reads the pens' input devices with libevdev.
EVDEV_CFLAGS := $(shell pkg-config --cflags libevdev 2>/dev/null)
EVDEV_LIBS := $(or $(shell pkg-config --libs libevdev 2>/dev/null),-levdev)

ST_TARGETS := $(addprefix $(ST_OUT)/,$(ST_C_TESTS) ioctl_test_32 $(ST_SCRIPTS))

.PHONY: selftests selftests-clean
selftests: $(ST_TARGETS)

$(KSFT_DIR)/kselftest_harness.h:
	scripts/get-kselftest-harness $(KSFT_DIR)

$(ST_OUT)/%: selftests/%.c $(ST_DEPS)
	@mkdir -p $(ST_OUT)
	$(CC) $(ST_CFLAGS) -o $@ $< $(ST_LIBS) -lpthread

$(ST_OUT)/button_test: ST_CFLAGS += $(EVDEV_CFLAGS)
$(ST_OUT)/button_test: ST_LIBS := $(EVDEV_LIBS)

# The same ioctl tests as a static 32-bit program: compat_ioctl's test.
$(ST_OUT)/ioctl_test_32: selftests/ioctl_test.c $(ST_DEPS)
	@mkdir -p $(ST_OUT)
	$(CC) -m32 -static $(ST_CFLAGS) -o $@ $<

$(ST_OUT)/%.sh: selftests/%.sh
	@mkdir -p $(ST_OUT)
	install -m 0755 $< $@

selftests-clean:
	rm -rf $(ST_OUT) $(KSFT_DIR)
