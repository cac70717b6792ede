// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench's JSON document: built in memory and printed whole at the
 * end, between the lines PEN_BENCH_JSON_BEGIN and PEN_BENCH_JSON_END, so
 * that progress on stderr and cyclictest's output never land inside it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static FILE *jout;
static char *doc;
static size_t doc_len;
static int json_level;
static bool json_first[16] = { true };

/* Start the document in memory; 0, or -1 (said on stderr). */
int json_begin(void)
{
	jout = open_memstream(&doc, &doc_len);
	if (!jout) {
		perror("pen_bench: open_memstream");
		return -1;
	}
	return 0;
}

/* Print the whole document, between its markers; 0, or -1. */
int json_print(void)
{
	if (fclose(jout)) {
		perror("pen_bench: open_memstream");
		return -1;
	}
	printf("PEN_BENCH_JSON_BEGIN%s\nPEN_BENCH_JSON_END\n", doc);
	free(doc);
	return 0;
}

static void json_key(const char *key)
{
	if (!json_first[json_level])
		fputc(',', jout);
	json_first[json_level] = false;
	fprintf(jout, "\n%*s", json_level * 2, "");
	if (key)
		fprintf(jout, "\"%s\": ", key);
}

void json_open(const char *key, char c)
{
	json_key(key);
	fputc(c, jout);
	json_first[++json_level] = true;
}

void json_close(char c)
{
	json_level--;
	fprintf(jout, "\n%*s%c", json_level * 2, "", c);
}

void json_u64(const char *key, uint64_t v)
{
	json_key(key);
	fprintf(jout, "%" PRIu64, v);
}

void json_i64(const char *key, int64_t v)
{
	json_key(key);
	fprintf(jout, "%" PRId64, v);
}

void json_f(const char *key, double v)
{
	json_key(key);
	if (isfinite(v))
		fprintf(jout, "%.6g", v);
	else
		fputs("null", jout);
}

void json_bool(const char *key, bool v)
{
	json_key(key);
	fputs(v ? "true" : "false", jout);
}

void json_null(const char *key)
{
	json_key(key);
	fputs("null", jout);
}

void json_str(const char *key, const char *s)
{
	json_key(key);
	fputc('"', jout);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(jout, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(jout, "\\u%04x", *s);
		else
			fputc(*s, jout);
	}
	fputc('"', jout);
}

/* A distribution as an object, or null if it has no values. */
void json_dist(const char *key, const struct dist *d)
{
	if (!d->n) {
		json_null(key);
		return;
	}
	json_open(key, '{');
	json_u64("n", d->n);
	json_i64("min", d->min);
	json_i64("p50", d->p50);
	json_i64("p99", d->p99);
	json_i64("p99_9", d->p999);
	json_i64("max", d->max);
	json_f("mean", d->mean);
	json_close('}');
}
