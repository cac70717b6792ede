# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/common: the layer the tools share (tool.h), built once into
# $(BUILD)/libpentools.a, which each tool links: the linker takes only
# the objects a tool uses, so pen_bench, which has no libpen, never pulls
# in tool-value.o. $(TC_ASAN_SRCS) are compiled into a tool's sanitizer
# build instead, with its flags.
#
# Included by every .mk of a tool that uses it (pentrace.mk, bench.mk),
# once whatever the order. Variables are prefixed TC_.
ifndef TC_SRC
TC_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

BUILD ?= build
CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
CPPFLAGS ?=

TC_OBJ := $(BUILD)/obj/common
TC_LIB := $(BUILD)/libpentools.a
TC_SRCS := $(addprefix $(TC_SRC)/,tool-error.c tool-json.c tool-value.c)
TC_OBJS := $(patsubst $(TC_SRC)/%.c,$(TC_OBJ)/%.o,$(TC_SRCS))
TC_ASAN_SRCS := $(TC_SRCS)
# libpen.h, and the UAPI header it includes, for tool-value.c.
TC_CFLAGS := $(CPPFLAGS) $(CFLAGS) -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-I$(TC_SRC) -I$(TC_SRC)/../../libpen -I$(TC_SRC)/../../include/uapi \
	-MMD -MP
# What a tool that links $(TC_LIB) adds to its own flags.
TC_INCLUDE := -I$(TC_SRC)
TC_LIBS = $(shell $(PKG_CONFIG) --libs json-c)

$(TC_OBJ)/%.o: $(TC_SRC)/%.c
	@mkdir -p $(@D)
	flags=$$($(PKG_CONFIG) --cflags json-c) && \
	$(CC) $(TC_CFLAGS) $$flags -c -o $@ $<

$(TC_LIB): $(TC_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

.PHONY: tools-common-clean
tools-common-clean:
	rm -rf $(TC_OBJ) $(TC_LIB)

-include $(TC_OBJS:.o=.d)
endif
