# SPDX-License-Identifier: GPL-2.0
# The benchmark's guest program, built into $(BUILD)/bench, which
# scripts/vm-run copies into the guest's /usr/bin; "make bench" runs it on
# each kernel through scripts/bench. Included by the top-level Makefile.
#
# Its objects go to $(BUILD)/bench/obj: vm-run copies every executable
# file of $(BUILD)/bench, so only programs belong there.

include mk/common.mk
# Errors and JSON come from the tools' shared layer, built once.
include tools/common/common.mk

BENCH_OUT := $(BUILD)/bench
BENCH_OBJ := $(BENCH_OUT)/obj
BENCH_PROG := $(BENCH_OUT)/pen_bench
BENCH_SRCS := bench/main.c bench/timing.c bench/latency.c bench/cost.c \
	bench/actuation.c bench/scaling.c \
	bench/run.c bench/cyclictest.c bench/sim.c bench/json.c bench/util.c
# Driving the simulated pens: the selftests' helper library, shared.
BENCH_LIB_OBJ := $(BENCH_OBJ)/sim_util.o
BENCH_OBJS := $(patsubst bench/%.c,$(BENCH_OBJ)/%.o,$(BENCH_SRCS)) \
	$(BENCH_LIB_OBJ)
BENCH_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(PEN_WARN_CFLAGS) -Iinclude/uapi -Iselftests $(TC_INCLUDE) \
	$(PEN_DEP_CFLAGS)

.PHONY: bench-prog bench-clean
bench-prog: $(BENCH_PROG)

$(BENCH_PROG): $(BENCH_OBJS) $(TC_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TC_LIBS) -lm

# The headers each object includes (bench/bench.h, linux/pen.h) are in
# its .d, which -MMD writes as it compiles.
$(BENCH_OBJ)/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -c -o $@ $<

$(BENCH_LIB_OBJ): selftests/sim_util.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -c -o $@ $<

bench-clean: tools-common-clean
	rm -rf $(BENCH_OUT)

-include $(BENCH_OBJS:.o=.d)
