// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench's helpers: its errors and progress lines, guest time and the
 * stroke periods, and distributions of measured values.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* ---- errors ----------------------------------------------------------- */

#define MAX_ERRORS 32
static char *errors[MAX_ERRORS];
static unsigned int n_errors;
/* The scaling runs' reader threads may fail too. */
static pthread_mutex_t errors_lock = PTHREAD_MUTEX_INITIALIZER;

/* Something could not be measured: say what, and fail the run. */
void bench_error(const char *fmt, ...)
{
	const char *msg;
	va_list ap;

	pthread_mutex_lock(&errors_lock);
	va_start(ap, fmt);
	msg = tool_verror(fmt, ap);
	va_end(ap);
	if (n_errors < MAX_ERRORS)
		errors[n_errors] = strdup(msg);
	n_errors++;
	pthread_mutex_unlock(&errors_lock);
}

/* How many errors there were, also those beyond the first MAX_ERRORS. */
unsigned int bench_errors(void)
{
	return n_errors;
}

/* The document's "errors": the text of the first MAX_ERRORS. */
void json_errors(void)
{
	unsigned int i;

	tool_json_open(bench_json, "errors", '[');
	for (i = 0; i < n_errors && i < MAX_ERRORS; i++)
		tool_json_str(bench_json, NULL, errors[i]);
	tool_json_close(bench_json);
}

void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tool_name());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- time ------------------------------------------------------------- */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* A stroke period as the core computes it: rounded to the nearest ns. */
uint64_t period_of(uint32_t rate_mhz)
{
	return (NSEC_PER_SEC * 1000ULL + rate_mhz / 2) / rate_mhz;
}

/*
 * The simulated needle's travel time for a run at @rate_mhz: its default
 * 500 us, or half a period at rates where that would not fit. A stroke
 * is only measured if the needle arrives before the next one starts.
 */
unsigned int lag_for(uint32_t rate_mhz)
{
	uint64_t half_us = period_of(rate_mhz) / NSEC_PER_USEC / 2;

	return half_us >= 500 ? 500 : half_us ? half_us : 1;
}

/*
 * Fractions of a period, to start each trial at another phase of the
 * stroke loop. A fixed sequence, so that runs can be compared.
 */
double next_phase(void)
{
	static uint32_t x = 12345;

	x = x * 1103515245U + 12345U;
	return (double)(x >> 8) / (double)(1U << 24);
}

/* ---- distributions ---------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of @n sorted values. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);

	return v[rank ? rank - 1 : 0];
}

/* The distribution of @n values; sorts them. */
struct dist dist_of(int64_t *v, size_t n)
{
	struct dist d = { .n = n };
	double sum = 0;
	size_t i;

	if (!n)
		return d;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 0; i < n; i++)
		sum += (double)v[i];
	d.min = v[0];
	d.p50 = pct(v, n, 0.50);
	d.p99 = pct(v, n, 0.99);
	d.p999 = pct(v, n, 0.999);
	d.max = v[n - 1];
	d.mean = sum / (double)n;
	for (i = 0; i < n; i++)
		d.hist[v[i] <= 0 ? 0 :
		       v[i] / DIST_BIN_NS < DIST_BINS ? v[i] / DIST_BIN_NS :
		       DIST_BINS]++;
	return d;
}
