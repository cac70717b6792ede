# SPDX-License-Identifier: GPL-2.0
#
# tools/pentrace: per-pen stroke statistics from the pen:pen_stroke
# tracepoint, a libbpf tool. Included by the top-level Makefile, or used
# alone: make -f tools/pentrace/pentrace.mk pentrace
#
# Targets:
#   pentrace           $(BUILD)/pentrace; intermediates (the BPF object,
#                      its skeleton) in $(BUILD)/obj/pentrace/
#   pentrace-install   $(DESTDIR)$(SBINDIR)/pentrace and pentrace.8
#                      ("install" too)
#   pentrace-uninstall remove them ("uninstall" too)
#   pentrace-asan      pentrace under AddressSanitizer and UBSan, run
#                      through tools/pentrace/host-test.sh (scripts/lint)
#   pentrace-clean     remove what this file builds
#
# The BPF program is built by clang (-target bpf) into an object that
# "bpftool gen object" links (dropping the DWARF) and "bpftool gen
# skeleton" embeds in a header; pentrace.c includes that header and links
# libbpf and json-c, found with pkg-config, libpen's static library (the
# grammar of durations and pen names, every tool's) and the tools' shared
# layer (tools/common: errors, JSON).
#
# Variables are prefixed PT_ so that nothing collides with the other
# makefiles the top-level one includes.

# Must come before any other include: the directory of this file.
PT_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(PT_SRC)/../../mk/common.mk
# Alone, this file builds pentrace.
.DEFAULT_GOAL := $(or $(.DEFAULT_GOAL),pentrace)

# clang-19 is the one scripts/install-deps installs; bpftool is in
# /usr/sbin, which a user's PATH may lack.
PT_CLANG ?= clang-19
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)

# libpen and the tools' shared layer, unless the including Makefile
# has them already.
ifndef PEN_SONAME
include $(PT_SRC)/../../userspace.mk
endif
include $(PT_SRC)/../common/common.mk

PT_OBJ := $(BUILD)/obj/pentrace
PT_PKGS := libbpf json-c

# -target bpf has no system headers of its own: linux/bpf.h comes from
# /usr/include, and the asm/ headers it needs from Debian's multiarch
# directory, which only the host compiler knows. A cross build
# (scripts/build-cross) names the target's root in PEN_SYSROOT, and both
# come from there: the CC it gives answers the target's multiarch name.
#
# Nothing else in the program depends on the target: it reads the
# tracepoint's record through its own struct (pentrace.h), not through
# vmlinux.h, CO-RE or pt_regs, so no __TARGET_ARCH_* is needed; and
# "-target bpf" is the build machine's byte order, little-endian on
# x86-64 as on arm64 and armhf (a big-endian target would need bpfeb).
PT_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null || \
			gcc -print-multiarch 2>/dev/null)
PT_BPF_CFLAGS := -target bpf -O2 -g -Wall -Wextra -Werror $(PEN_DEP_CFLAGS) \
	-I$(PT_SRC) $(if $(PEN_SYSROOT),--sysroot=$(PEN_SYSROOT)) \
	$(if $(PT_MULTIARCH),-idirafter $(PEN_SYSROOT)/usr/include/$(PT_MULTIARCH))

PT_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(PEN_WARN_CFLAGS) \
	-DPENTRACE_VERSION='"$(PEN_VERSION)"' -I$(PT_SRC) -I$(PT_OBJ) \
	-I$(PT_SRC)/../../libpen -I$(PT_SRC)/../../include/uapi $(TC_INCLUDE) \
	$(PEN_DEP_CFLAGS)
# Linked in statically: only the parsers come, and pentrace needs no
# libpen.so at run time.
PT_LIBS := $(TC_LIB) $(BUILD)/libpen.a
# What the sanitizer build compiles in with its flags: libpen's parsers
# and the shared layer.
PT_ASAN_SRCS := $(PT_SRC)/../../libpen/units.c \
	$(PT_SRC)/../../libpen/names.c $(TC_ASAN_SRCS)

.PHONY: pentrace pentrace-install install pentrace-uninstall uninstall \
	pentrace-asan pentrace-clean

pentrace: $(BUILD)/pentrace

$(PT_OBJ)/pentrace.bpf.o: $(PT_SRC)/pentrace.bpf.c
	@mkdir -p $(@D)
	$(PT_CLANG) $(PT_BPF_CFLAGS) -c -o $@ $<

# gen object is libbpf's static linker: the result has the program, its
# BTF and nothing of the DWARF, which the skeleton would otherwise carry.
$(PT_OBJ)/pentrace.skel.h: $(PT_OBJ)/pentrace.bpf.o
	$(BPFTOOL) gen object $(PT_OBJ)/pentrace.linked.o $<
	$(BPFTOOL) gen skeleton $(PT_OBJ)/pentrace.linked.o name pentrace \
		> $@.tmp
	mv $@.tmp $@

# pkg-config runs in the recipe, so that a missing package fails the
# build with pkg-config's own message.
$(PT_OBJ)/pentrace.o: $(PT_SRC)/pentrace.c $(PT_OBJ)/pentrace.skel.h
	@mkdir -p $(@D)
	flags=$$($(PKG_CONFIG) --cflags $(PT_PKGS)) && \
	$(CC) $(PT_CFLAGS) $$flags -c -o $@ $<

$(BUILD)/pentrace: $(PT_OBJ)/pentrace.o $(PT_LIBS)
	libs=$$($(PKG_CONFIG) --libs $(PT_PKGS)) && \
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(PT_LIBS) $$libs

$(PT_OBJ)/asan/pentrace.o: $(PT_SRC)/pentrace.c $(PT_OBJ)/pentrace.skel.h
	@mkdir -p $(@D)
	flags=$$($(PKG_CONFIG) --cflags $(PT_PKGS)) && \
	$(CC) $(PT_CFLAGS) $(PEN_SAN_FLAGS) $$flags -c -o $@ $<

$(PT_OBJ)/asan/pentrace: $(PT_OBJ)/asan/pentrace.o $(PT_ASAN_SRCS)
	flags=$$($(PKG_CONFIG) --cflags $(PT_PKGS)) && \
	libs=$$($(PKG_CONFIG) --libs $(PT_PKGS)) && \
	$(CC) $(PT_CFLAGS) $(PEN_SAN_FLAGS) $$flags $(LDFLAGS) -o $@ $< \
		$(PT_ASAN_SRCS) $$libs

# Any sanitizer report is fatal, and host-test.sh fails on it.
pentrace-asan: $(PT_OBJ)/asan/pentrace
	ASAN_OPTIONS=detect_leaks=1$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
	UBSAN_OPTIONS=print_stacktrace=1$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS} \
		$(PT_SRC)/host-test.sh $(PT_OBJ)/asan/pentrace

pentrace-install: $(BUILD)/pentrace
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 755 $(BUILD)/pentrace $(DESTDIR)$(SBINDIR)/
	$(PEN_MAN_SED) $(PT_SRC)/pentrace.8 > $(DESTDIR)$(MANDIR)/man8/pentrace.8
	chmod 644 $(DESTDIR)$(MANDIR)/man8/pentrace.8

pentrace-uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/pentrace $(DESTDIR)$(MANDIR)/man8/pentrace.8

# Prerequisites only, no recipe: add to those of userspace.mk.
install: pentrace-install
uninstall: pentrace-uninstall

pentrace-clean:
	rm -rf $(PT_OBJ)
	rm -f $(BUILD)/pentrace

-include $(PT_OBJ)/pentrace.bpf.d $(PT_OBJ)/pentrace.d \
	$(PT_OBJ)/asan/pentrace.d
