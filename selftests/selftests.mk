# SPDX-License-Identifier: GPL-2.0
# Builds the selftests into $(BUILD)/selftests, the directory scripts/vm-run
# copies into the guest. Included by the top-level Makefile.
#
#   make ksft-install KSFT_INSTALL_PATH=DIR
#       the same tests as a kselftest collection (selftests/Makefile),
#       installed by the kernel's own selftests Makefile, from Debian's
#       linux-source, into DIR: run_kselftest.sh, kselftest-list.txt,
#       kselftest/ (the runner) and pen/. Run there with
#       "./run_kselftest.sh -c pen". CFLAGS, CPPFLAGS and LDFLAGS reach
#       every test program. Default DIR: $(BUILD)/ksft-install.

include mk/common.mk

KSFT_DIR := $(BUILD)/ksft
ST_OUT := $(BUILD)/selftests
# The tests are listed once, in selftests/tests.list: every test that any
# of its groups names is built (C programs from selftests/NAME.c, the
# 32-bit ioctl_test_32 by its own rule, scripts copied). The list goes
# into the guest too, for run_tests.sh.
ST_TESTS := $(sort $(shell sed -n 's/^[a-z-]*://p' selftests/tests.list))
ST_C_TESTS := $(filter-out %.sh ioctl_test_32,$(ST_TESTS))
ST_SCRIPTS := run_tests.sh ktap.sh pen_util.sh $(filter %.sh,$(ST_TESTS))
ST_CFLAGS := -O2 -g $(PEN_WARN_CFLAGS) -Wno-clobbered \
	-Iinclude/uapi -Iselftests -isystem $(KSFT_DIR)
# sim_util.c drives the simulated pens; pen_bench links it too.
ST_LIB := selftests/sim_util.c
ST_DEPS := selftests/pen_util.h selftests/sim_util.h $(ST_LIB) \
	selftests/pen_fixture.h selftests/pen_proc.h selftests/pen_expect.h \
	$(KSFT_DIR)/kselftest_harness.h include/uapi/linux/pen.h
# button_test reads the pens' input devices with libevdev.
EVDEV_CFLAGS := $(shell pkg-config --cflags libevdev 2>/dev/null)
EVDEV_LIBS := $(or $(shell pkg-config --libs libevdev 2>/dev/null),-levdev)

ST_TARGETS := $(addprefix $(ST_OUT)/,$(ST_C_TESTS) ioctl_test_32 $(ST_SCRIPTS) \
	tests.list)

# The kernel's selftests tree (scripts/get-kselftest-harness), where
# ksft-install puts a copy of selftests/ as the collection "pen", with
# the Python binding's tests in pen/python/ for python_test.sh.
KSFT_TREE := $(KSFT_DIR)/linux/tools/testing/selftests
KSFT_INSTALL_PATH ?= $(BUILD)/ksft-install

.PHONY: selftests selftests-clean ksft-install
selftests: $(ST_TARGETS)

$(KSFT_DIR)/kselftest_harness.h $(KSFT_TREE)/lib.mk:
	scripts/get-kselftest-harness $(KSFT_DIR)

# The kernel's Makefile runs alone: none of this make's variables (BUILD,
# a command line's) reach it but the flags, through the environment,
# where its lib.mk adds to them, and PEN_M32 (n: no ioctl_test_32, as the
# Debian package builds it). linux/pen.h is ours, the rest of the
# headers the system's: no configured kernel tree.
ksft-install: $(KSFT_TREE)/lib.mk
	rm -rf $(KSFT_TREE)/pen
	mkdir -p $(KSFT_TREE)/pen
	find selftests -maxdepth 1 -type f -exec cp -p {} $(KSFT_TREE)/pen/ \;
	mkdir -p $(KSFT_TREE)/pen/python
	cp -p bindings/python/tests/*.py $(KSFT_TREE)/pen/python/
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		CFLAGS="$(CFLAGS)" CPPFLAGS="$(CPPFLAGS)" LDFLAGS="$(LDFLAGS)" \
		$(MAKE) -C $(KSFT_TREE) TARGETS=pen install \
		INSTALL_PATH=$(abspath $(KSFT_INSTALL_PATH)) \
		KHDR_INCLUDES="-isystem $(CURDIR)/include/uapi" \
		$(if $(PEN_M32),PEN_M32=$(PEN_M32))

$(ST_OUT)/%: selftests/%.c $(ST_DEPS)
	@mkdir -p $(ST_OUT)
	$(CC) $(ST_CFLAGS) -o $@ $< $(ST_LIB) $(ST_LIBS) -lpthread

$(ST_OUT)/button_test: ST_CFLAGS += $(EVDEV_CFLAGS)
$(ST_OUT)/button_test: ST_LIBS := $(EVDEV_LIBS)
# ... and through libpen's buttons API, as a program would: this build's
# libpen.so.1, which scripts/vm-run puts in the guest's /usr/lib (the
# kselftest collection, built without it, leaves those tests out).
$(ST_OUT)/button_test: ST_CFLAGS += -Ilibpen -DPEN_TEST_LIBPEN
$(ST_OUT)/button_test: ST_LIBS += -L$(BUILD) -lpen
$(ST_OUT)/button_test: $(BUILD)/libpen.so

# The same ioctl tests as a static 32-bit program: compat_ioctl's test.
# ST_CC32 is the compiler of the 64-bit machine's 32-bit half: on x86-64
# the host's with -m32 (gcc-multilib); for arm64, scripts/build-cross
# names the armhf cross compiler, a compiler of its own.
ST_CC32 ?= $(CC) -m32
$(ST_OUT)/ioctl_test_32: selftests/ioctl_test.c $(ST_DEPS)
	@mkdir -p $(ST_OUT)
	$(ST_CC32) -static $(ST_CFLAGS) -o $@ $< $(ST_LIB)

$(ST_OUT)/%.sh: selftests/%.sh
	@mkdir -p $(ST_OUT)
	install -m 0755 $< $@

$(ST_OUT)/tests.list: selftests/tests.list
	@mkdir -p $(ST_OUT)
	install -m 0644 $< $@

selftests-clean:
	rm -rf $(ST_OUT) $(KSFT_DIR)
