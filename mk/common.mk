# SPDX-License-Identifier: GPL-2.0-or-later
#
# What every component's makefile shares: userspace.mk (libpen, penctl),
# fuzz/fuzz.mk, tools/pentrace/pentrace.mk, selftests/selftests.mk,
# bench/bench.mk and lint.mk each include this file first. It defines
# variables only, no rules, so that it can never change a default goal;
# included twice (the top-level Makefile includes all of them), it is read
# once.
#
# A component that also works alone ("make -f userspace.mk") sets its own
# default goal right after including this file, with
#   .DEFAULT_GOAL := $(or $(.DEFAULT_GOAL),GOAL)
# which keeps the default of a makefile that included it (the top-level
# Makefile's "all").

ifndef PEN_COMMON_MK
PEN_COMMON_MK := 1

# Where everything is built, and the tools, each overridable.
BUILD ?= build
CC ?= cc
AR ?= ar
INSTALL ?= install
LN_S ?= ln -sf
PKG_CONFIG ?= pkg-config
PEN_VERSION ?= 0.1.0

# Where "make install" puts things (GNU's names; docs/installing.md).
# Each may be set on the command line or in the environment; DESTDIR,
# empty by default, is put before every one of them at install time.
PREFIX ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR ?= $(EXEC_PREFIX)/bin
SBINDIR ?= $(EXEC_PREFIX)/sbin
# Debian's multiarch directory (/usr/lib/x86_64-linux-gnu) when PREFIX is
# /usr and dpkg-architecture answers (it reads DEB_HOST_MULTIARCH from
# the environment first, as under dpkg-buildpackage); $(EXEC_PREFIX)/lib
# anywhere else. Asked once, and only when LIBDIR is not given.
ifeq ($(origin LIBDIR),undefined)
PEN_MULTIARCH := $(if $(filter /usr,$(PREFIX)),$(shell \
	dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null))
LIBDIR := $(EXEC_PREFIX)/lib$(if $(PEN_MULTIARCH),/$(PEN_MULTIARCH))
endif
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/pen
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSCONFDIR ?= /etc
# Where udev reads rules from, which is not under PREFIX: udev's own
# answer, or /lib/udev. Expanded where used (the udev rule's install).
UDEVDIR ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),/lib/udev)

# The man pages name the installed files: @DOCDIR@, @LIBDIR@,
# @SYSCONFDIR@ and @UDEVDIR@ in them are replaced as they are installed
# ($(PEN_MAN_SED) SOURCE > TARGET).
PEN_MAN_SED = sed -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@UDEVDIR@|$(UDEVDIR)|g'

# The user's CPPFLAGS, CFLAGS and LDFLAGS (dpkg-buildflags' hardening,
# say) reach every userspace compile and link but the fuzz targets'; the
# user's CFLAGS come first, the warnings after them are not optional.
CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
PEN_WARN_CFLAGS := -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
# Each object's header dependencies, in a .d beside it.
PEN_DEP_CFLAGS := -MMD -MP

# AddressSanitizer and UBSan, any report fatal: the host tests', lint's
# and the fuzz targets'.
PEN_SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

endif
