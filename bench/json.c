// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench's JSON document: built in memory with json-c (through the
 * tools' shared layer, tools/common) and printed whole at the end,
 * between the lines PEN_BENCH_JSON_BEGIN and PEN_BENCH_JSON_END, so that
 * progress on stderr and cyclictest's output never land inside it. One
 * value a line (pretty-printed), so that a kernel message the console
 * puts among them can be dropped line by line (scripts/bench).
 */
#include <stdio.h>

#include <json-c/json.h>

#include "bench.h"

struct tool_json *bench_json;

/* Start the document; 0, or -1 (said on stderr). */
int json_begin(void)
{
	bench_json = tool_json_new();
	if (!bench_json) {
		tool_error("out of memory");
		return -1;
	}
	return 0;
}

/* Print the whole document, between its markers; 0, or -1. */
int json_print(void)
{
	const char *doc = tool_json_string(bench_json,
					   JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED);

	if (!doc) {
		tool_error("the JSON document is incomplete (out of memory)");
		tool_json_free(bench_json);
		return -1;
	}
	printf("PEN_BENCH_JSON_BEGIN\n%s\nPEN_BENCH_JSON_END\n", doc);
	tool_json_free(bench_json);
	bench_json = NULL;
	return 0;
}

/* A distribution as an object, or null if it has no values. */
/*
 * @d's histogram, its bins that hold anything: "histogram": {"bin_ns":
 * width, "bins": [[first ns, count], ...]}, the last bin from
 * DIST_BINS * width on holding everything beyond.
 */
static void json_histogram(const struct dist *d)
{
	unsigned int b;
	__u64 bin[2];

	tool_json_open(bench_json, "histogram", '{');
	tool_json_u64(bench_json, "bin_ns", DIST_BIN_NS);
	tool_json_open(bench_json, "bins", '[');
	for (b = 0; b <= DIST_BINS; b++) {
		if (!d->hist[b])
			continue;
		bin[0] = (__u64)b * DIST_BIN_NS;
		bin[1] = d->hist[b];
		tool_json_u64_array(bench_json, NULL, bin, 2);
	}
	tool_json_close(bench_json);
	tool_json_close(bench_json);
}

void json_dist(const char *key, const struct dist *d)
{
	if (!d->n) {
		tool_json_null(bench_json, key);
		return;
	}
	tool_json_open(bench_json, key, '{');
	tool_json_u64(bench_json, "n", d->n);
	tool_json_i64(bench_json, "min", d->min);
	tool_json_i64(bench_json, "p50", d->p50);
	tool_json_i64(bench_json, "p99", d->p99);
	tool_json_i64(bench_json, "p99_9", d->p999);
	tool_json_i64(bench_json, "max", d->max);
	tool_json_f(bench_json, "mean", d->mean);
	json_histogram(d);
	tool_json_close(bench_json);
}
