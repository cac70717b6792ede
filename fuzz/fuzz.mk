# SPDX-License-Identifier: GPL-2.0-or-later
#
# libFuzzer targets for libpen and penctl, built with clang
# (-fsanitize=fuzzer,address,undefined). Included by userspace.mk, after
# its variables.

include $(PEN_SRC)/mk/common.mk
#
#   fuzz-build   build/fuzz/fuzz_NAME for each target
#   fuzz         run each for FUZZ_TIME seconds (default 10), from its
#                seeds and the corpus it has grown in build/fuzz/corpus/
#   fuzz-smoke   run each for FUZZ_RUNS inputs (default 100000) from its
#                seeds alone, seed 1: what "make host-tests" runs
#
# The targets (fuzz/fuzz_NAME.c, seeds in fuzz/corpus/NAME/):
#   units        libpen's unit parsers and formatters
#   penctl_args  penctl's command line, up to the command it would run
#   replay       penctl replay of a session log, with json-c
# fuzz/run.sh runs them and keeps what crashes in build/fuzz/artifacts/.

FUZZ_CC ?= clang-19
FUZZ_TIME ?= 10
FUZZ_RUNS ?= 100000

PEN_FUZZ := $(BUILD)/fuzz
PEN_FUZZ_TARGETS := units penctl_args replay
PEN_FUZZ_BINS := $(PEN_FUZZ_TARGETS:%=$(PEN_FUZZ)/fuzz_%)

# Everything is instrumented for coverage (fuzzer-no-link), libpen too,
# so that the fuzzer learns its branches; only the link adds libFuzzer.
# No user CFLAGS: -O1 -g is what the sanitizers' reports are best with.
PEN_FUZZ_SAN := $(PEN_SAN_FLAGS)
PEN_FUZZ_CFLAGS := -O1 -g $(PEN_WARN_CFLAGS) \
	-I$(PEN_SRC)/include/uapi -I$(PEN_SRC)/libpen $(PEN_DEP_CFLAGS) \
	-fsanitize=fuzzer-no-link $(PEN_FUZZ_SAN)
PEN_FUZZ_LIB_OBJS := $(patsubst $(PEN_SRC)/libpen/%.c,$(PEN_FUZZ)/obj/%.o,\
			$(PEN_LIB_SRCS))
# penctl's objects, all but main.o, for the two targets that run penctl,
# with what they share (fuzz/fuzz_penctl.c).
PEN_FUZZ_PENCTL_OBJS := $(patsubst $(PEN_SRC)/tools/penctl/%.c,\
			$(PEN_FUZZ)/obj/penctl/%.o,$(PEN_PENCTL_SRCS)) \
	$(PEN_FUZZ)/obj/outq.o $(PEN_FUZZ)/obj/fuzz_penctl.o
PEN_FUZZ_OBJS := $(PEN_FUZZ_LIB_OBJS) $(PEN_FUZZ_PENCTL_OBJS) \
	$(PEN_FUZZ_TARGETS:%=$(PEN_FUZZ)/obj/fuzz_%.o)

# The same compiler's symbolizer, so that reports name files and lines
# even where no llvm-symbolizer is on the PATH.
PEN_FUZZ_SYMBOLIZER = $(shell $(FUZZ_CC) -print-prog-name=llvm-symbolizer 2>/dev/null)
PEN_FUZZ_ENV = ASAN_SYMBOLIZER_PATH=$${ASAN_SYMBOLIZER_PATH:-$(PEN_FUZZ_SYMBOLIZER)} \
	UBSAN_OPTIONS=print_stacktrace=1$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS}

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-clean pen-check-fuzz-cc

# Checked once, with the packages to get: libFuzzer is in clang's
# runtime package, not in clang's own.
pen-check-fuzz-cc:
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzzing needs" \
		"$(FUZZ_CC): install clang-19 (scripts/install-deps)" >&2; \
		exit 1; }
	@test -e "$$($(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-$$(uname -m).a)" || \
		{ echo "fuzzing needs libFuzzer: install libclang-rt-19-dev" \
		"(scripts/install-deps)" >&2; exit 1; }

$(PEN_FUZZ)/obj/%.o: $(PEN_SRC)/libpen/%.c | pen-check-fuzz-cc pen-check-libevdev
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PEN_FUZZ_CFLAGS) $(PEN_EVDEV_CFLAGS) -c -o $@ $<

$(PEN_FUZZ)/obj/fuzz_units.o: $(PEN_SRC)/fuzz/fuzz_units.c | pen-check-fuzz-cc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PEN_FUZZ_CFLAGS) -c -o $@ $<

# These run penctl, so they need what it needs.
$(PEN_FUZZ)/obj/fuzz_%.o: $(PEN_SRC)/fuzz/fuzz_%.c | pen-check-fuzz-cc pen-check-jsonc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PEN_FUZZ_CFLAGS) $(PEN_JSONC_CFLAGS) \
		-I$(PEN_SRC)/tools/penctl -c -o $@ $<

$(PEN_FUZZ)/obj/penctl/%.o: $(PEN_SRC)/tools/penctl/%.c | pen-check-fuzz-cc pen-check-jsonc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PEN_FUZZ_CFLAGS) $(PEN_JSONC_CFLAGS) \
		-DPENCTL_VERSION='"$(PEN_VERSION)"' -c -o $@ $<

# units.c explains a refused pen name by names.c's parsers.
$(PEN_FUZZ)/fuzz_units: $(PEN_FUZZ)/obj/fuzz_units.o $(PEN_FUZZ)/obj/units.o \
		$(PEN_FUZZ)/obj/names.o
	$(FUZZ_CC) -fsanitize=fuzzer $(PEN_FUZZ_SAN) -o $@ $^

# penctl's output queue, which the two that run penctl link too.
$(PEN_FUZZ)/obj/outq.o: $(PEN_SRC)/tools/penctl/outq.c | pen-check-fuzz-cc
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PEN_FUZZ_CFLAGS) -pthread -c -o $@ $<

$(PEN_FUZZ)/fuzz_%: $(PEN_FUZZ)/obj/fuzz_%.o $(PEN_FUZZ_LIB_OBJS) \
		$(PEN_FUZZ_PENCTL_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(PEN_FUZZ_SAN) -pthread -o $@ $^ \
		$(PEN_JSONC_LIBS) $(PEN_EVDEV_LIBS)

fuzz-build: $(PEN_FUZZ_BINS)

fuzz: $(PEN_FUZZ_BINS)
	$(PEN_FUZZ_ENV) $(PEN_SRC)/fuzz/run.sh --build $(BUILD) \
		--time $(FUZZ_TIME) $(PEN_FUZZ_TARGETS)

fuzz-smoke: $(PEN_FUZZ_BINS)
	$(PEN_FUZZ_ENV) $(PEN_SRC)/fuzz/run.sh --build $(BUILD) \
		--runs $(FUZZ_RUNS) $(PEN_FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(PEN_FUZZ)

-include $(PEN_FUZZ_OBJS:.o=.d)
