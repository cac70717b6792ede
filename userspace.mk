# SPDX-License-Identifier: GPL-2.0-or-later
#
# Userspace half of pen: libpen (shared, static, pkg-config) and penctl.
#
# Included by the top-level Makefile, or used alone:
#   make -f userspace.mk userspace host-tests
#
# Targets:
#   userspace          build/libpen.so.1 (+ libpen.so link), build/libpen.a,
#                      build/libpen.pc, build/penctl
#   host-tests         the host tests (no kernel needed), ending with one
#                      "N passed, N failed" line (libpen/tests/host-tests.sh):
#                      build/test-units, which also runs build/penctl's
#                      host-testable parts, build/test-outq, penctl's
#                      output queue, and build/test-penctl, its parts that
#                      need no pen; the same under valgrind, penctl
#                      included; a short run of each fuzz target (FUZZ_RUNS)
#   host-tests-asan    test-units, test-outq, test-penctl and penctl built
#                      with libpen linked in statically under
#                      AddressSanitizer and UBSan, in build/asan/
#   fuzz               each libFuzzer target for FUZZ_TIME seconds
#                      (fuzz/fuzz.mk: also fuzz-build, fuzz-smoke)
#   userspace-install  libpen (.so, .a, .pc, headers, man pages), penctl
#                      (man page, bash completion) into $(DESTDIR) and the
#                      directories of mk/common.mk ("install" too)
#   userspace-uninstall  remove what userspace-install put ("uninstall")
#   userspace-clean    remove what this file builds
#
# penctl links against the shared library without an rpath: the VM copies
# libpen.so.1 into /usr/lib; on the host run it with
# LD_LIBRARY_PATH=build ./build/penctl. libpen links libevdev (a pen's
# buttons; Debian's libevdev-dev), which libpen.pc names for static
# links. penctl also links json-c (for "penctl replay"; Debian's
# libjson-c-dev); libpen itself never does.
#
# All variables and internal paths are prefixed PEN_ so that nothing here
# collides with the kernel side of the top-level Makefile.

# Must come before any other include: the directory of this file.
PEN_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(PEN_SRC)/mk/common.mk
# Alone, "make -f userspace.mk" builds userspace.
.DEFAULT_GOAL := $(or $(.DEFAULT_GOAL),userspace)

# The user's CPPFLAGS come first too (-D_FORTIFY_SOURCE, say).
PEN_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(PEN_WARN_CFLAGS) \
	-I$(PEN_SRC)/include/uapi -I$(PEN_SRC)/libpen $(PEN_DEP_CFLAGS)
PEN_LIB_CFLAGS := $(PEN_CFLAGS) -fvisibility=hidden
# Expanded where used, so that builds without penctl never run pkg-config.
PEN_JSONC_CFLAGS = $(shell $(PKG_CONFIG) --cflags json-c)
PEN_JSONC_LIBS = $(shell $(PKG_CONFIG) --libs json-c)
PEN_EVDEV_CFLAGS = $(shell $(PKG_CONFIG) --cflags libevdev)
PEN_EVDEV_LIBS = $(shell $(PKG_CONFIG) --libs libevdev)
PEN_SONAME := libpen.so.1

PEN_OBJ := $(BUILD)/userspace
PEN_LIB_SRCS := $(PEN_SRC)/libpen/device.c $(PEN_SRC)/libpen/units.c \
	$(PEN_SRC)/libpen/buttons.c $(PEN_SRC)/libpen/names.c \
	$(PEN_SRC)/libpen/rules.c
PEN_LIB_SH_OBJS := $(patsubst $(PEN_SRC)/libpen/%.c,$(PEN_OBJ)/shared/%.o,\
			$(PEN_LIB_SRCS))
PEN_LIB_ST_OBJS := $(patsubst $(PEN_SRC)/libpen/%.c,$(PEN_OBJ)/static/%.o,\
			$(PEN_LIB_SRCS))
# penctl: main.c holds main() alone, so that everything else links into
# the fuzz targets too (fuzz/fuzz.mk); outq.c, its output queue, has its
# own rule (it needs -pthread) and its own test.
PEN_PENCTL_SRCS := $(addprefix $(PEN_SRC)/tools/penctl/,args.c buttons.c \
	cmd-buttons.c cmd-list.c cmd-pen.c cmd-replay.c cmd-run.c device.c \
	format.c json.c log.c monitor.c output.c refusal.c run.c signals.c \
	values.c)
PEN_PENCTL_OBJS := $(patsubst $(PEN_SRC)/tools/penctl/%.c,$(PEN_OBJ)/penctl/%.o,\
			$(PEN_PENCTL_SRCS))
PEN_PENCTL_MAIN := $(PEN_OBJ)/penctl/main.o
PEN_OUTQ_OBJ := $(PEN_OBJ)/outq.o
PEN_TEST_OBJ := $(PEN_OBJ)/test-units.o
PEN_OUTQ_TEST_OBJ := $(PEN_OBJ)/test-outq.o
PEN_PENCTL_TEST_OBJ := $(PEN_OBJ)/test-penctl.o
PEN_ALL_OBJS := $(PEN_LIB_SH_OBJS) $(PEN_LIB_ST_OBJS) $(PEN_PENCTL_OBJS) \
	$(PEN_PENCTL_MAIN) \
	$(PEN_OUTQ_OBJ) $(PEN_TEST_OBJ) $(PEN_OUTQ_TEST_OBJ) \
	$(PEN_PENCTL_TEST_OBJ)

PEN_OUTPUTS := $(BUILD)/$(PEN_SONAME) $(BUILD)/libpen.so $(BUILD)/libpen.a \
	$(BUILD)/libpen.pc $(BUILD)/penctl $(BUILD)/test-units \
	$(BUILD)/test-outq $(BUILD)/test-penctl

# The fuzz targets' rules and variables, which host-tests needs.
include $(PEN_SRC)/fuzz/fuzz.mk

.PHONY: userspace host-tests host-tests-asan userspace-install install \
	userspace-uninstall uninstall userspace-clean pen-check-exports \
	pen-check-libevdev pen-check-jsonc \
	pen-FORCE

userspace: $(BUILD)/$(PEN_SONAME) $(BUILD)/libpen.so $(BUILD)/libpen.a \
	$(BUILD)/libpen.pc $(BUILD)/penctl

# Checked once, where libevdev is first needed, with the package to get.
pen-check-libevdev:
	@$(PKG_CONFIG) --exists libevdev || { echo "libpen needs libevdev:" \
		"install libevdev-dev (scripts/install-deps)" >&2; exit 1; }

pen-check-jsonc:
	@$(PKG_CONFIG) --exists json-c || { echo "penctl needs json-c:" \
		"install libjson-c-dev (scripts/install-deps)" >&2; exit 1; }

$(PEN_OBJ)/shared/%.o: $(PEN_SRC)/libpen/%.c | pen-check-libevdev
	@mkdir -p $(@D)
	$(CC) $(PEN_LIB_CFLAGS) $(PEN_EVDEV_CFLAGS) -fPIC -c -o $@ $<

$(PEN_OBJ)/static/%.o: $(PEN_SRC)/libpen/%.c | pen-check-libevdev
	@mkdir -p $(@D)
	$(CC) $(PEN_LIB_CFLAGS) $(PEN_EVDEV_CFLAGS) -c -o $@ $<

$(BUILD)/$(PEN_SONAME): $(PEN_LIB_SH_OBJS) $(PEN_SRC)/libpen/libpen.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -fPIC -Wl,-soname,$(PEN_SONAME) \
		-Wl,--version-script=$(PEN_SRC)/libpen/libpen.map \
		-o $@ $(PEN_LIB_SH_OBJS) $(PEN_EVDEV_LIBS)

$(BUILD)/libpen.so: $(BUILD)/$(PEN_SONAME)
	$(LN_S) $(PEN_SONAME) $@

$(BUILD)/libpen.a: $(PEN_LIB_ST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The .pc file's directories: LIBDIR and INCLUDEDIR as given, written
# relative to ${exec_prefix} and ${prefix} where they lie under them, so
# that pkg-config's --define-prefix and PKG_CONFIG_SYSROOT_DIR still work.
PEN_PC_VARS := $(PREFIX) $(EXEC_PREFIX) $(LIBDIR) $(INCLUDEDIR) $(PEN_VERSION)
PEN_PC_EXEC_PREFIX := $(patsubst $(PREFIX)/%,$${prefix}/%,\
	$(patsubst $(PREFIX),$${prefix},$(EXEC_PREFIX)))
PEN_PC_LIBDIR := $(patsubst $(EXEC_PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))
PEN_PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

# Regenerated when one of those directories or PEN_VERSION changes, not
# on every build.
$(PEN_OBJ)/pc.vars: pen-FORCE
	@mkdir -p $(@D)
	@echo '$(PEN_PC_VARS)' | cmp -s - $@ || echo '$(PEN_PC_VARS)' > $@

$(BUILD)/libpen.pc: $(PEN_SRC)/libpen/libpen.pc.in $(PEN_OBJ)/pc.vars
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
		-e 's|@EXEC_PREFIX@|$(PEN_PC_EXEC_PREFIX)|g' \
		-e 's|@LIBDIR@|$(PEN_PC_LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(PEN_PC_INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(PEN_VERSION)|g' $< > $@

$(PEN_OBJ)/penctl/%.o: $(PEN_SRC)/tools/penctl/%.c | pen-check-jsonc
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_JSONC_CFLAGS) \
		-DPENCTL_VERSION='"$(PEN_VERSION)"' -c -o $@ $<

# The queue that keeps penctl's output from blocking it while the needle
# runs, with its writer thread.
$(PEN_OUTQ_OBJ): $(PEN_SRC)/tools/penctl/outq.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) -pthread -c -o $@ $<

# PEN_STATIC=1 links penctl statically: libpen.a, and libevdev and json-c
# as pkg-config --static names them. scripts/build-cross builds the
# 32-bit penctl that an arm64 board runs through compat_ioctl so, with
# nothing to find at run time.
ifeq ($(PEN_STATIC),1)
PEN_PENCTL_LIBPEN := $(BUILD)/libpen.a
PEN_PENCTL_LIBS = -static $(BUILD)/libpen.a \
	$(shell $(PKG_CONFIG) --static --libs libevdev json-c)
else
PEN_PENCTL_LIBPEN := $(BUILD)/libpen.so
PEN_PENCTL_LIBS = -L$(BUILD) -lpen $(PEN_JSONC_LIBS)
endif

$(BUILD)/penctl: $(PEN_PENCTL_MAIN) $(PEN_PENCTL_OBJS) $(PEN_OUTQ_OBJ) \
		$(PEN_PENCTL_LIBPEN)
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $(PEN_PENCTL_MAIN) \
		$(PEN_PENCTL_OBJS) $(PEN_OUTQ_OBJ) $(PEN_PENCTL_LIBS)

$(PEN_TEST_OBJ): $(PEN_SRC)/libpen/tests/test-units.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) -c -o $@ $<

# Linked against the shared library, so the tests exercise exactly what
# ships, exports and version script included.
$(BUILD)/test-units: $(PEN_TEST_OBJ) $(BUILD)/libpen.so
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PEN_TEST_OBJ) -L$(BUILD) -lpen

$(PEN_OUTQ_TEST_OBJ): $(PEN_SRC)/tools/penctl/tests/test-outq.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) -pthread -c -o $@ $<

$(BUILD)/test-outq: $(PEN_OUTQ_TEST_OBJ) $(PEN_OUTQ_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^

# penctl's parts that need no pen, linked as penctl links them, less
# main.o.
$(PEN_PENCTL_TEST_OBJ): $(PEN_SRC)/tools/penctl/tests/test-penctl.c | pen-check-jsonc
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_JSONC_CFLAGS) -c -o $@ $<

$(BUILD)/test-penctl: $(PEN_PENCTL_TEST_OBJ) $(PEN_PENCTL_OBJS) \
		$(PEN_OUTQ_OBJ) $(BUILD)/libpen.so
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $(PEN_PENCTL_TEST_OBJ) \
		$(PEN_PENCTL_OBJS) $(PEN_OUTQ_OBJ) -L$(BUILD) -lpen \
		$(PEN_JSONC_LIBS)

# Only pen_* may leave the library, each at a version node LIBPEN_1 or
# LIBPEN_1.N (older nm prints no versions, hence the optional suffix);
# test-units checks which function is at which node.
PEN_EXPORT_RE := ^(pen_[a-z_]+(@@LIBPEN_1(\.[0-9]+)?)?|LIBPEN_1(\.[0-9]+)?)$$
pen-check-exports: $(BUILD)/$(PEN_SONAME)
	@bad=$$(nm -D --defined-only $< | \
		awk '$$3 !~ /$(PEN_EXPORT_RE)/ { print $$3 }'); \
	if [ -n "$$bad" ]; then \
		echo "libpen exports unexpected symbols: $$bad" >&2; exit 1; \
	fi

# test-units runs penctl too (usage errors, replay); host-tests.sh adds
# the valgrind run and the fuzz targets' short runs, so that there is
# still one "N passed, N failed" line for scripts/check to read.
host-tests: pen-check-exports $(BUILD)/test-units $(BUILD)/penctl \
		$(BUILD)/test-outq $(BUILD)/test-penctl $(PEN_FUZZ_BINS)
	$(PEN_FUZZ_ENV) $(PEN_SRC)/libpen/tests/host-tests.sh $(BUILD) \
		$(FUZZ_RUNS) $(PEN_FUZZ_TARGETS)

# AddressSanitizer + UndefinedBehaviorSanitizer build of the host tests,
# penctl included. libpen's sources are linked straight into both
# programs, so that the sanitizers see the library and no LD_LIBRARY_PATH
# is needed. Any report is fatal (-fno-sanitize-recover=all).
PEN_ASAN := $(BUILD)/asan
PEN_ASAN_LIB_OBJS := $(patsubst $(PEN_SRC)/libpen/%.c,$(PEN_ASAN)/%.o,\
			$(PEN_LIB_SRCS))
PEN_ASAN_PENCTL_OBJS := $(patsubst $(PEN_SRC)/tools/penctl/%.c,\
			$(PEN_ASAN)/penctl-obj/%.o,$(PEN_PENCTL_SRCS) \
			$(PEN_SRC)/tools/penctl/main.c)
PEN_ASAN_OBJS := $(PEN_ASAN_LIB_OBJS) $(PEN_ASAN)/test-units.o \
	$(PEN_ASAN_PENCTL_OBJS) $(PEN_ASAN)/outq.o $(PEN_ASAN)/test-outq.o \
	$(PEN_ASAN)/test-penctl.o

$(PEN_ASAN)/%.o: $(PEN_SRC)/libpen/%.c | pen-check-libevdev
	@mkdir -p $(@D)
	$(CC) $(PEN_LIB_CFLAGS) $(PEN_EVDEV_CFLAGS) $(PEN_SAN_FLAGS) -c -o $@ $<

$(PEN_ASAN)/test-units.o: $(PEN_SRC)/libpen/tests/test-units.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_SAN_FLAGS) -c -o $@ $<

$(PEN_ASAN)/penctl-obj/%.o: $(PEN_SRC)/tools/penctl/%.c | pen-check-jsonc
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_JSONC_CFLAGS) $(PEN_SAN_FLAGS) \
		-DPENCTL_VERSION='"$(PEN_VERSION)"' -c -o $@ $<

$(PEN_ASAN)/outq.o: $(PEN_SRC)/tools/penctl/outq.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_SAN_FLAGS) -pthread -c -o $@ $<

$(PEN_ASAN)/test-outq.o: $(PEN_SRC)/tools/penctl/tests/test-outq.c
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_SAN_FLAGS) -pthread -c -o $@ $<

$(PEN_ASAN)/test-outq: $(PEN_ASAN)/test-outq.o $(PEN_ASAN)/outq.o
	$(CC) $(CFLAGS) $(PEN_SAN_FLAGS) $(LDFLAGS) -pthread -o $@ $^

$(PEN_ASAN)/test-units: $(PEN_ASAN_LIB_OBJS) $(PEN_ASAN)/test-units.o
	$(CC) $(CFLAGS) $(PEN_SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PEN_EVDEV_LIBS)

$(PEN_ASAN)/test-penctl.o: $(PEN_SRC)/tools/penctl/tests/test-penctl.c | pen-check-jsonc
	@mkdir -p $(@D)
	$(CC) $(PEN_CFLAGS) $(PEN_JSONC_CFLAGS) $(PEN_SAN_FLAGS) -c -o $@ $<

$(PEN_ASAN)/test-penctl: $(PEN_ASAN_LIB_OBJS) $(PEN_ASAN)/test-penctl.o \
		$(filter-out %/main.o,$(PEN_ASAN_PENCTL_OBJS)) $(PEN_ASAN)/outq.o
	$(CC) $(CFLAGS) $(PEN_SAN_FLAGS) $(LDFLAGS) -pthread -o $@ $^ \
		$(PEN_JSONC_LIBS) $(PEN_EVDEV_LIBS)

$(PEN_ASAN)/penctl: $(PEN_ASAN_LIB_OBJS) $(PEN_ASAN_PENCTL_OBJS) \
		$(PEN_ASAN)/outq.o
	$(CC) $(CFLAGS) $(PEN_SAN_FLAGS) $(LDFLAGS) -pthread -o $@ $^ \
		$(PEN_JSONC_LIBS) $(PEN_EVDEV_LIBS)

# The sanitizers exit 99 on a report, in test-units and in every penctl
# it runs: penctl's own statuses are 0, 1 and 2, so a penctl that hit a
# report (a leak found at exit, say) never passes for one that failed as
# expected.
PEN_SAN_RUN = ASAN_OPTIONS=detect_leaks=1:exitcode=99$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
	UBSAN_OPTIONS=print_stacktrace=1:exitcode=99$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS}
host-tests-asan: $(PEN_ASAN)/test-units $(PEN_ASAN)/penctl \
		$(PEN_ASAN)/test-outq $(PEN_ASAN)/test-penctl
	$(PEN_SAN_RUN) $(PEN_ASAN)/test-units $(PEN_ASAN)/penctl
	$(PEN_SAN_RUN) $(PEN_ASAN)/test-outq
	$(PEN_SAN_RUN) $(PEN_ASAN)/test-penctl

# libpen's manual: libpen(3), the overview, and one page per group of
# functions (libpen/man/); every other exported function gets a page of
# one ".so" line that sources its group's (FUNCTION:GROUP below).
# scripts/check-install checks that every name in libpen.map has a page.
PEN_MAN3_PAGES := libpen pen_open pen_get_info pen_set_depth pen_start \
	pen_wait_events pen_buttons_open pen_parse_depth pen_state_name \
	pen_setpoint_refusal
PEN_MAN3_LINKS := pen_open_index:pen_open pen_close:pen_open \
	pen_fd:pen_open pen_path:pen_open \
	pen_get_status:pen_get_info \
	pen_set_rate:pen_set_depth pen_set_params:pen_set_depth \
	pen_stop:pen_start pen_clear_fault:pen_start \
	pen_set_watchdog:pen_start pen_kick_watchdog:pen_start \
	pen_set_hold_to_run:pen_start \
	pen_read_events:pen_wait_events \
	pen_buttons_close:pen_buttons_open pen_buttons_fd:pen_buttons_open \
	pen_buttons_has:pen_buttons_open \
	pen_buttons_is_pressed:pen_buttons_open \
	pen_buttons_wait:pen_buttons_open pen_buttons_read:pen_buttons_open \
	pen_button_name:pen_buttons_open \
	pen_parse_rate:pen_parse_depth pen_parse_duration:pen_parse_depth \
	pen_format_depth:pen_parse_depth pen_format_rate:pen_parse_depth \
	pen_parse_index:pen_parse_depth pen_parse_device:pen_parse_depth \
	pen_parse_strerror:pen_parse_depth \
	pen_stop_reason_name:pen_state_name pen_fault_name:pen_state_name \
	pen_cartridge_state_name:pen_state_name \
	pen_event_type_name:pen_state_name \
	pen_explain_refusal:pen_setpoint_refusal \
	pen_format_refusal:pen_setpoint_refusal \
	pen_rule_name:pen_setpoint_refusal

# Installed where GNU's variables say (mk/common.mk); "uninstall" removes
# exactly these files (directories stay, shared with other software).
PEN_LIB_FILES := $(LIBDIR)/$(PEN_SONAME) $(LIBDIR)/libpen.so \
	$(LIBDIR)/libpen.a $(LIBDIR)/pkgconfig/libpen.pc
PEN_INC_FILES := $(INCLUDEDIR)/libpen.h $(INCLUDEDIR)/linux/pen.h
PEN_MAN_FILES := $(MANDIR)/man1/penctl.1 \
	$(PEN_MAN3_PAGES:%=$(MANDIR)/man3/%.3) \
	$(foreach l,$(PEN_MAN3_LINKS),$(MANDIR)/man3/$(firstword $(subst :, ,$(l))).3)
PEN_INSTALLED := $(PEN_LIB_FILES) $(PEN_INC_FILES) $(BINDIR)/penctl \
	$(PEN_MAN_FILES) $(BASHCOMPDIR)/penctl

userspace-install: userspace
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 644 $(BUILD)/$(PEN_SONAME) $(DESTDIR)$(LIBDIR)/
	$(LN_S) $(PEN_SONAME) $(DESTDIR)$(LIBDIR)/libpen.so
	$(INSTALL) -m 644 $(BUILD)/libpen.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 $(BUILD)/libpen.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	$(INSTALL) -m 644 $(PEN_SRC)/libpen/libpen.h \
		$(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(PEN_SRC)/include/uapi/linux/pen.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/
	$(INSTALL) -m 755 $(BUILD)/penctl $(DESTDIR)$(BINDIR)/
	$(PEN_MAN_SED) $(PEN_SRC)/tools/penctl/penctl.1 \
		> $(DESTDIR)$(MANDIR)/man1/penctl.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/penctl.1
	@set -e; for p in $(PEN_MAN3_PAGES); do \
		echo "$(PEN_MAN_SED) $(PEN_SRC)/libpen/man/$$p.3 > $(DESTDIR)$(MANDIR)/man3/$$p.3"; \
		$(PEN_MAN_SED) $(PEN_SRC)/libpen/man/$$p.3 > $(DESTDIR)$(MANDIR)/man3/$$p.3; \
		chmod 644 $(DESTDIR)$(MANDIR)/man3/$$p.3; \
	done
	@set -e; for l in $(PEN_MAN3_LINKS); do \
		echo ".so man3/$${l#*:}.3" > $(DESTDIR)$(MANDIR)/man3/$${l%%:*}.3; \
		chmod 644 $(DESTDIR)$(MANDIR)/man3/$${l%%:*}.3; \
	done
	$(INSTALL) -m 644 $(PEN_SRC)/tools/penctl/penctl.bash \
		$(DESTDIR)$(BASHCOMPDIR)/penctl

userspace-uninstall:
	rm -f $(addprefix $(DESTDIR),$(PEN_INSTALLED))

# Prerequisites only, no recipe: never clash with a top-level install.
install: userspace-install
uninstall: userspace-uninstall

userspace-clean: fuzz-clean
	rm -rf $(PEN_OBJ) $(PEN_ASAN) $(BUILD)/valgrind
	rm -f $(PEN_OUTPUTS) $(BUILD)/test-units.out $(BUILD)/fuzz-smoke.out \
		$(BUILD)/penctl-completion.out $(BUILD)/penctl-open-perm.out

-include $(PEN_ALL_OBJS:.o=.d) $(PEN_ASAN_OBJS:.o=.d)
