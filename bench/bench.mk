# SPDX-License-Identifier: GPL-2.0
# The benchmark's guest program, built into $(BUILD)/bench, which
# scripts/vm-run copies into the guest's /usr/bin; "make bench" runs it on
# each kernel through scripts/bench. Included by the top-level Makefile.

BENCH_OUT := $(BUILD)/bench
BENCH_PROG := $(BENCH_OUT)/pen_bench
BENCH_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-Iinclude/uapi

.PHONY: bench-prog bench-clean
bench-prog: $(BENCH_PROG)

$(BENCH_PROG): bench/pen_bench.c include/uapi/linux/pen.h
	@mkdir -p $(BENCH_OUT)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lm

bench-clean:
	rm -rf $(BENCH_OUT)
