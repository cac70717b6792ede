// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: libpen's unit parsing and formatting (libpen/units.c).
 *
 * The input, as a string, goes whole to pen_parse_depth(),
 * pen_parse_rate() and pen_parse_duration(). Beyond not crashing, leaking
 * or reaching undefined behaviour (the target runs under ASan and UBSan),
 * each must keep its contract: 0, or -1 with errno EINVAL or ERANGE and
 * the output untouched. Then the properties that make the parsers safe
 * to trust with a depth:
 *
 *  - what was parsed formats and parses back to itself, and any depth
 *    or rate (the input's first four bytes) does too, into any buffer:
 *    a buffer too small gives ERANGE and an empty string, never a
 *    truncated number;
 *  - one number in two units agrees: N mm is 1000 * N um, N Hz is 1000
 *    * N mHz, N spm is N Hz / 60 rounded half up, N s is N (bare) and
 *    1000 * N ms, N m is N min and 60 * N s, N h is 60 * N m; where the
 *    larger does not fit, it is ERANGE. N is the input's leading digits
 *    and dots, so a value written in one unit can never mean a different
 *    amount in another.
 *
 * And the grammar's other half: every refused value has a reason
 * (pen_parse_strerror()), and a pen's index and device name agree.
 *
 * A broken property is reported on stderr and aborts, which libFuzzer
 * counts as a crash and saves the input for.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpen.h"
#include "../libpen/tests/parse64.h"


/* Longest number tried in every unit; longer ones only go in whole. */
#define MAX_NUMBER	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parse's outcome: ret 0 and @v, or ret -1 and @err. */
struct res {
	int ret;
	int err;
	uint64_t v;
};

static void __attribute__((noreturn)) broken(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_units: %s (input '%s')\n", what, s);
	abort();
}

/* The contract every parser shares, for a result whose output was @v. */
static void check_contract(const char *s, int ret, int err, uint64_t v,
			   uint64_t canary)
{
	if (ret == 0)
		return;
	if (ret != -1)
		broken("a parser returned neither 0 nor -1", s);
	if (err != EINVAL && err != ERANGE)
		broken("a parser failed with an errno other than EINVAL and ERANGE",
		       s);
	if (v != canary)
		broken("a failed parse wrote its output", s);
}

static struct res parse(int (*fn)(const char *s, uint64_t *v),
			uint64_t canary, const char *s)
{
	struct res r;

	errno = 0;
	r.ret = fn(s, &r.v);
	r.err = errno;
	check_contract(s, r.ret, r.err, r.v, canary);
	return r;
}

static struct res depth(const char *s)
{
	return parse(parse_depth64, CANARY32, s);
}

static struct res rate(const char *s)
{
	return parse(parse_rate64, CANARY32, s);
}

static struct res duration(const char *s)
{
	return parse(parse_duration64, CANARY64, s);
}

/*
 * A value that does not parse as @q has a reason, in one line that fits
 * the 128 bytes libpen.h promises; one that parses has none.
 */
static void explained(enum pen_quantity q, const char *s, bool parsed)
{
	char why[128];
	const char *got;

	memset(why, 'x', sizeof(why));
	errno = 0;
	got = pen_parse_strerror(q, s, why, sizeof(why));
	if (parsed ? got || errno != EINVAL :
		     got != why || !why[0] || strlen(why) >= sizeof(why) ||
		     strchr(why, '\n'))
		broken("pen_parse_strerror() disagrees with the parser", s);
}

/* A pen's name: an index is also a device, /dev/penN. */
static void pen_names(const char *s)
{
	char path[32], want[32];
	unsigned int n;
	bool index_ok, device_ok;

	index_ok = !pen_parse_index(s, &n);
	device_ok = !pen_parse_device(s, path, sizeof(path));
	if (index_ok) {
		snprintf(want, sizeof(want), "/dev/pen%u", n);
		if (!device_ok || strcmp(path, want))
			broken("a pen index is not its /dev/penN", s);
	} else if (device_ok && !strchr(s, '/')) {
		broken("a device without a '/' that is no pen index", s);
	}
	explained(PEN_QUANTITY_INDEX, s, index_ok);
}

static bool same(struct res a, struct res b)
{
	return a.ret == b.ret && (a.ret ? a.err == b.err : a.v == b.v);
}

typedef int (*format_fn)(uint32_t v, char *buf, size_t len);
typedef struct res (*parse_fn)(const char *s);

/*
 * @v formats into 16 bytes, as libpen.h promises, and parses back to
 * itself; into @len bytes it either comes out the same or fails with
 * ERANGE, leaving an empty string. The buffer is allocated at exactly
 * @len bytes, so that ASan sees any write past it.
 */
static void round_trip(format_fn format, parse_fn parse, uint32_t v,
		       size_t len)
{
	char buf[16], *small;
	struct res back;
	int n, m;

	n = format(v, buf, sizeof(buf));
	if (n < 0 || (size_t)n != strlen(buf))
		broken("a value did not format into 16 bytes", "");
	back = parse(buf);
	if (back.ret || back.v != v)
		broken("a formatted value did not parse back to itself", buf);

	small = malloc(len);
	if (!small)
		return;
	memset(small, 'x', len);
	errno = 0;
	m = format(v, small, len);
	if ((size_t)n < len) {
		if (m != n || strcmp(small, buf))
			broken("formatting into a large enough buffer differed",
			       buf);
	} else if (m != -1 || errno != ERANGE || (len && small[0])) {
		broken("formatting into a short buffer did not fail cleanly",
		       buf);
	}
	free(small);
}

/* @n with @unit appended, into @buf (at least MAX_NUMBER + 8 bytes). */
static const char *with_unit(char *buf, const char *n, const char *unit)
{
	snprintf(buf, MAX_NUMBER + 8, "%s%s", n, unit);
	return buf;
}

/*
 * @small and @large are one number in two units, a large unit worth @k
 * small ones (@max: the largest value either may have). If the small one
 * parsed, the large one is @k times it or out of range; if the large one
 * parsed, the small one is a whole number exactly when it divides by @k.
 */
static void scales(struct res small, struct res large, uint64_t k,
		   uint64_t max, const char *s)
{
	uint64_t want;

	if (!small.ret) {
		if (__builtin_mul_overflow(small.v, k, &want) || want > max) {
			if (!large.ret || large.err != ERANGE)
				broken("a value too large in the larger unit was not ERANGE",
				       s);
		} else if (large.ret || large.v != want) {
			broken("the larger unit is not the smaller times its factor",
			       s);
		}
	}
	if (!large.ret) {
		if ((large.v % k == 0) != !small.ret ||
		    (!small.ret && small.v != large.v / k))
			broken("the smaller unit disagrees with the larger", s);
	}
	if (small.ret && small.err == ERANGE &&
	    (!large.ret || large.err != ERANGE))
		broken("too large in the smaller unit but not in the larger", s);
}

static void units_agree(const char *n)
{
	char a[MAX_NUMBER + 8], b[MAX_NUMBER + 8];
	struct res hz, mhz, spm, sec, ms, min, m, h, bare;
	uint64_t want;

	scales(depth(with_unit(a, n, "um")), depth(with_unit(b, n, "mm")),
	       1000, UINT32_MAX, n);
	if (!same(depth(with_unit(a, n, "mm")), depth(with_unit(b, n, " mm"))) ||
	    !same(depth(with_unit(a, n, "\xc2\xb5m")),
		  depth(with_unit(b, n, "UM"))))
		broken("blanks or the unit's spelling changed a depth", n);

	hz = rate(with_unit(a, n, "Hz"));
	mhz = rate(with_unit(a, n, "mHz"));
	scales(mhz, hz, 1000, UINT32_MAX, n);
	if (!rate(with_unit(a, n, "MHz")).ret)
		broken("MHz (megahertz) parsed", n);
	/* Strokes per minute: the same thousandths as Hz, divided by 60. */
	spm = rate(with_unit(a, n, "spm"));
	if (!same(spm, rate(with_unit(b, n, "RPM"))))
		broken("spm and rpm differ", n);
	if (!hz.ret) {
		want = hz.v / 60 + (hz.v % 60 >= 30);
		if (spm.ret || spm.v != want)
			broken("spm is not Hz / 60 rounded half up", n);
	}
	if (!spm.ret && hz.ret && hz.err != ERANGE)
		broken("spm parsed a number that Hz calls malformed", n);

	sec = duration(with_unit(a, n, "s"));
	bare = duration(n);
	ms = duration(with_unit(a, n, "ms"));
	m = duration(with_unit(a, n, "m"));
	min = duration(with_unit(a, n, "MIN"));
	h = duration(with_unit(a, n, "h"));
	if (!same(sec, bare) || !same(m, min))
		broken("a bare duration is not seconds, or m is not min", n);
	if (!same(sec, duration(with_unit(a, n, "\ts"))))
		broken("a blank before the unit changed a duration", n);
	scales(ms, sec, 1000, UINT64_MAX, n);
	scales(sec, m, 60, UINT64_MAX, n);
	scales(m, h, 60, UINT64_MAX, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, number[MAX_NUMBER + 1];
	struct res r;
	uint32_t v = 0;
	size_t n;

	/* A string, as argv and JSON give them: up to the first NUL. */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	r = depth(s);
	explained(PEN_QUANTITY_DEPTH, s, !r.ret);
	if (!r.ret)
		round_trip(pen_format_depth, depth, r.v, 16);
	r = rate(s);
	explained(PEN_QUANTITY_RATE, s, !r.ret);
	if (!r.ret)
		round_trip(pen_format_rate, rate, r.v, 16);
	explained(PEN_QUANTITY_DURATION, s, !duration(s).ret);
	pen_names(s);

	/* Any value, into a buffer of any size up to the 16 bytes. */
	memcpy(&v, data, size < sizeof(v) ? size : sizeof(v));
	round_trip(pen_format_depth, depth, v, size % 17);
	round_trip(pen_format_rate, rate, v, size % 17);

	n = strspn(s, "0123456789.");
	if (n <= MAX_NUMBER) {
		memcpy(number, s, n);
		number[n] = '\0';
		units_agree(number);
	}
	free(s);
	return 0;
}
