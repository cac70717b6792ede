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

# Where "make install" puts things.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

# The user's CFLAGS come first; the warnings after them are not optional.
CFLAGS ?= -O2 -g
PEN_WARN_CFLAGS := -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
# Each object's header dependencies, in a .d beside it.
PEN_DEP_CFLAGS := -MMD -MP

# AddressSanitizer and UBSan, any report fatal: the host tests', lint's
# and the fuzz targets'.
PEN_SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

endif
