// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpen: parsing and formatting of depths, rates and durations.
 *
 * Everything is integer arithmetic. A depth typed as "0.5mm" must become
 * exactly 500 um, never 499 because 0.5 took a detour through a double;
 * and a value that cannot be represented exactly is refused rather than
 * silently rounded, except where the unit itself forces rounding (strokes
 * per minute) and the error is documented to be below the resolution.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "libpen.h"

/*
 * Significant fraction digits kept. No unit here has a factor of more than
 * 2^13 or 5^11 (an hour in nanoseconds is 2^13 * 3^2 * 5^11), so a value
 * with more significant decimals than that can never be a whole number of
 * the base unit; 18 also keeps the digits within 64 bits.
 */
#define MAX_SCALE	18

/*
 * An unsigned decimal number as written: @ipart + @frac / 10^@scale, with
 * trailing zeros of the fraction dropped so that "1.50000000000000000000"
 * neither overflows nor counts as too fine.
 */
struct decimal {
	uint64_t ipart;
	uint64_t frac;
	unsigned int scale;
	bool overflow;		/* @ipart did not fit in 64 bits */
	bool too_fine;		/* more than MAX_SCALE significant decimals */
};

/* Not isdigit(): that depends on the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII-only strcasecmp() equality, immune to the locale (Turkish i). */
static bool unit_eq(const char *s, const char *unit)
{
	for (; *s && *unit; s++, unit++)
		if (to_lower(*s) != to_lower(*unit))
			return false;
	return !*s && !*unit;
}

/*
 * Parse DIGITS [ '.' DIGITS ] at *@sp and advance *@sp past it. No sign,
 * no leading '.', no exponent, no hex: anything else is left for the unit
 * check to reject. Returns false if there is no well-formed number.
 */
static bool parse_decimal(const char **sp, struct decimal *d)
{
	const char *s = *sp;
	unsigned int zeros = 0;

	memset(d, 0, sizeof(*d));
	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		unsigned int digit = *s - '0';

		if (d->ipart > (UINT64_MAX - digit) / 10)
			d->overflow = true;
		else
			d->ipart = d->ipart * 10 + digit;
	}

	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		for (; is_digit(*s); s++) {
			unsigned int digit = *s - '0';

			/* Hold zeros back until a non-zero digit needs them. */
			if (!digit) {
				zeros++;
				continue;
			}
			if (d->too_fine || d->scale + zeros + 1 > MAX_SCALE) {
				d->too_fine = true;
				continue;
			}
			for (; zeros; zeros--) {
				d->frac *= 10;
				d->scale++;
			}
			d->frac = d->frac * 10 + digit;
			d->scale++;
		}
	}

	*sp = s;
	return true;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Convert @d, written in a unit worth @mult base units, into base units:
 * exactly @d * @mult, which must be a whole number no larger than @max.
 * Returns 0, -EINVAL if the result would have a fraction, or -ERANGE.
 */
static int decimal_scale(const struct decimal *d, uint64_t mult,
			 uint64_t max, uint64_t *out)
{
	uint64_t num, den, g, part, whole;
	unsigned int i;

	if (d->too_fine)
		return -EINVAL;

	/*
	 * frac / 10^scale * mult is whole iff, in lowest terms num / den,
	 * den divides mult. It is then below mult: no overflow.
	 */
	for (den = 1, i = 0; i < d->scale; i++)
		den *= 10;
	g = gcd(d->frac, den);
	num = d->frac / g;
	den /= g;
	if (mult % den)
		return -EINVAL;
	part = num * (mult / den);

	if (d->overflow ||
	    __builtin_mul_overflow(d->ipart, mult, &whole) ||
	    __builtin_add_overflow(whole, part, &whole) ||
	    whole > max)
		return -ERANGE;

	*out = whole;
	return 0;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/*
 * Split @s into a number and a unit: the number, then optional blanks,
 * then the unit, which is the whole rest of the string. *@unit is "" if
 * nothing follows the number; *@blank tells whether blanks came before
 * the unit (so that "3 " is not mistaken for a bare number).
 */
static bool split(const char *s, struct decimal *d, const char **unit,
		  bool *blank)
{
	if (!parse_decimal(&s, d))
		return false;
	*blank = is_blank(*s);
	while (is_blank(*s))
		s++;
	*unit = s;
	return true;
}

struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit *find_unit(const struct unit *units, const char *s)
{
	for (; units->name; units++)
		if (unit_eq(s, units->name))
			return units;
	return NULL;
}

static int parse_with_units(const char *s, const struct unit *units,
			    uint64_t max, uint64_t *out)
{
	const struct unit *u;
	struct decimal d;
	const char *unit;
	bool blank;
	int ret;

	if (!s || !out)
		return fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return fail(EINVAL);
	u = find_unit(units, unit);
	if (!u)
		return fail(EINVAL);
	ret = decimal_scale(&d, u->mult, max, out);
	if (ret)
		return fail(-ret);
	return 0;
}

/* "µ" is U+00B5 MICRO SIGN, "μ" U+03BC GREEK SMALL LETTER MU, in UTF-8. */
static const struct unit depth_units[] = {
	{ "um", 1 },
	{ "\xc2\xb5m", 1 },
	{ "\xce\xbcm", 1 },
	{ "mm", 1000 },
	{ NULL, 0 }
};

PEN_EXPORT int pen_parse_depth(const char *s, uint32_t *depth_um)
{
	uint64_t v;

	if (!depth_um)
		return fail(EINVAL);
	if (parse_with_units(s, depth_units, UINT32_MAX, &v) < 0)
		return -1;
	*depth_um = v;
	return 0;
}

PEN_EXPORT int pen_parse_rate(const char *s, uint32_t *rate_mhz)
{
	struct decimal d;
	const char *unit;
	uint64_t v;
	bool blank;
	int ret;

	if (!s || !rate_mhz)
		return fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return fail(EINVAL);

	if (unit_eq(unit, "hz")) {
		ret = decimal_scale(&d, 1000, UINT32_MAX, &v);
	} else if (unit_eq(unit, "mhz")) {
		/* "MHz" is megahertz: never read it as millihertz. */
		if (unit[0] != 'm')
			return fail(EINVAL);
		ret = decimal_scale(&d, 1, UINT32_MAX, &v);
	} else if (unit_eq(unit, "spm") || unit_eq(unit, "rpm")) {
		/*
		 * Strokes per minute to the nearest millihertz, halves up:
		 * mHz = spm * 1000 / 60. Work in thousandths of a stroke
		 * per minute so that "7200.5spm" stays exact until the one
		 * division.
		 */
		ret = decimal_scale(&d, 1000, UINT64_MAX, &v);
		if (!ret) {
			v = v / 60 + (v % 60 >= 30);
			if (v > UINT32_MAX)
				ret = -ERANGE;
		}
	} else {
		return fail(EINVAL);
	}
	if (ret)
		return fail(-ret);

	*rate_mhz = v;
	return 0;
}

#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

static const struct unit duration_units[] = {
	{ "ms", NSEC_PER_MSEC },
	{ "s", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC },
	{ "min", 60 * NSEC_PER_SEC },
	{ "h", 3600 * NSEC_PER_SEC },
	{ NULL, 0 }
};

PEN_EXPORT int pen_parse_duration(const char *s, uint64_t *ns)
{
	const struct unit *u;
	struct decimal d;
	const char *unit;
	uint64_t v;
	bool blank;
	int ret;

	if (!s || !ns)
		return fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return fail(EINVAL);

	if (!*unit) {
		/* A bare number is seconds; "3 " is a unit gone missing. */
		if (blank)
			return fail(EINVAL);
		ret = decimal_scale(&d, NSEC_PER_SEC, UINT64_MAX, &v);
	} else {
		u = find_unit(duration_units, unit);
		if (!u)
			return fail(EINVAL);
		ret = decimal_scale(&d, u->mult, UINT64_MAX, &v);
	}
	if (ret)
		return fail(-ret);
	/* A run of no time at all is a mistake, not a request. */
	if (!v)
		return fail(EINVAL);

	*ns = v;
	return 0;
}

/*
 * Print @v thousandths of @unit, e.g. 1250 -> "1.25 mm". On truncation the
 * buffer is emptied: "1.2" cut from "1.25 mm" would read as another value.
 */
static int format_milli(uint32_t v, const char *unit, char *buf, size_t len)
{
	unsigned int whole = v / 1000, frac = v % 1000;
	int digits = 3, n;

	if (!buf)
		return fail(EINVAL);

	if (!frac) {
		n = snprintf(buf, len, "%u %s", whole, unit);
	} else {
		for (; frac % 10 == 0; frac /= 10)
			digits--;
		n = snprintf(buf, len, "%u.%0*u %s", whole, digits, frac,
			     unit);
	}
	if (n < 0)
		return -1;
	if ((size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return fail(ERANGE);
	}
	return n;
}

PEN_EXPORT int pen_format_depth(uint32_t depth_um, char *buf, size_t len)
{
	return format_milli(depth_um, "mm", buf, len);
}

PEN_EXPORT int pen_format_rate(uint32_t rate_mhz, char *buf, size_t len)
{
	return format_milli(rate_mhz, "Hz", buf, len);
}

PEN_EXPORT const char *pen_state_name(uint32_t state)
{
	switch (state) {
	case PEN_STATE_STOPPED:
		return "stopped";
	case PEN_STATE_RUNNING:
		return "running";
#ifdef PEN_STATE_GONE
	/* Only if the UAPI has it: a removed pen may instead fail ENODEV. */
	case PEN_STATE_GONE:
		return "gone";
#endif
	default:
		return "unknown";
	}
}

PEN_EXPORT const char *pen_stop_reason_name(uint32_t reason)
{
	switch (reason) {
	case PEN_STOP_NONE:
		return "none";
	case PEN_STOP_REQUEST:
		return "request";
	case PEN_STOP_CLOSE:
		return "close";
	case PEN_STOP_REMOVED:
		return "removed";
	case PEN_STOP_BACKEND:
		return "backend";
	case PEN_STOP_FAULT:
		return "fault";
	case PEN_STOP_DEPTH_CAP:
		return "depth-cap";
	case PEN_STOP_RUN_TIME:
		return "run-time";
	case PEN_STOP_CARTRIDGE_REMOVED:
		return "cartridge-removed";
	case PEN_STOP_CARTRIDGE_SPENT:
		return "cartridge-spent";
	case PEN_STOP_SUSPEND:
		return "suspend";
	case PEN_STOP_SHUTDOWN:
		return "shutdown";
	case PEN_STOP_PEDAL:
		return "pedal";
	default:
		return "unknown";
	}
}

PEN_EXPORT const char *pen_cartridge_state_name(uint32_t state)
{
	switch (state) {
	case PEN_CARTRIDGE_NONE:
		return "none";
	case PEN_CARTRIDGE_READY:
		return "ready";
	case PEN_CARTRIDGE_REUSED:
		return "reused";
	case PEN_CARTRIDGE_SPENT:
		return "spent";
	default:
		return "unknown";
	}
}

PEN_EXPORT const char *pen_fault_name(uint32_t fault)
{
	switch (fault) {
	case PEN_FAULT_NONE:
		return "none";
	case PEN_FAULT_OVER_DEPTH:
		return "over-depth";
	case PEN_FAULT_STALL:
		return "stall";
	case PEN_FAULT_OVERCURRENT:
		return "overcurrent";
	case PEN_FAULT_OVERTEMP:
		return "overtemp";
	case PEN_FAULT_SUPPLY_LOW:
		return "supply-low";
	case PEN_FAULT_TIMING:
		return "timing";
	case PEN_FAULT_WATCHDOG:
		return "watchdog";
	default:
		return "unknown";
	}
}

PEN_EXPORT const char *pen_event_type_name(uint32_t type)
{
	switch (type) {
	case PEN_EVENT_STROKE:
		return "stroke";
	case PEN_EVENT_STATE:
		return "state";
	case PEN_EVENT_SETPOINT:
		return "setpoint";
	case PEN_EVENT_FAULT:
		return "fault";
	case PEN_EVENT_FAULT_CLEARED:
		return "fault-cleared";
	case PEN_EVENT_CARTRIDGE:
		return "cartridge";
	case PEN_EVENT_OVERFLOW:
		return "overflow";
	default:
		errno = EINVAL;
		return NULL;
	}
}
