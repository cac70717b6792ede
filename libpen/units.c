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
#include <limits.h>
#include <stdarg.h>
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
		return pen_fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return pen_fail(EINVAL);
	u = find_unit(units, unit);
	if (!u)
		return pen_fail(EINVAL);
	ret = decimal_scale(&d, u->mult, max, out);
	if (ret)
		return pen_fail(-ret);
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
		return pen_fail(EINVAL);
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
		return pen_fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return pen_fail(EINVAL);

	if (unit_eq(unit, "hz")) {
		ret = decimal_scale(&d, 1000, UINT32_MAX, &v);
	} else if (unit_eq(unit, "mhz")) {
		/* "MHz" is megahertz: never read it as millihertz. */
		if (unit[0] != 'm')
			return pen_fail(EINVAL);
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
		return pen_fail(EINVAL);
	}
	if (ret)
		return pen_fail(-ret);

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
		return pen_fail(EINVAL);
	if (!split(s, &d, &unit, &blank))
		return pen_fail(EINVAL);

	if (!*unit) {
		/* A bare number is seconds; "3 " is a unit gone missing. */
		if (blank)
			return pen_fail(EINVAL);
		ret = decimal_scale(&d, NSEC_PER_SEC, UINT64_MAX, &v);
	} else {
		u = find_unit(duration_units, unit);
		if (!u)
			return pen_fail(EINVAL);
		ret = decimal_scale(&d, u->mult, UINT64_MAX, &v);
	}
	if (ret)
		return pen_fail(-ret);
	/* A run of no time at all is a mistake, not a request. */
	if (!v)
		return pen_fail(EINVAL);

	*ns = v;
	return 0;
}

int pen_snprintf_whole(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return pen_fail(ERANGE);
	}
	return n;
}

/* What pen_parse_strerror() says of each quantity. */
static const struct {
	const char *units;	/* the units it takes, for "use ..." */
	bool unit_required;
	const char *too_fine;	/* why a valid unit still failed */
} quantities[] = {
	[PEN_QUANTITY_DEPTH] = {
		"mm or um", true, "not a whole number of micrometres",
	},
	[PEN_QUANTITY_RATE] = {
		"Hz, mHz, spm or rpm", true,
		"finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; "
		"whole numbers in mHz)",
	},
	[PEN_QUANTITY_DURATION] = {
		"ms, s, m or h", false, "finer than 1 ns",
	},
};

/* Parse @s as @q, for its errno only. */
static int probe(enum pen_quantity q, const char *s)
{
	char path[PATH_MAX];
	unsigned int n;
	uint64_t v64;
	uint32_t v;

	switch (q) {
	case PEN_QUANTITY_DEPTH:
		return pen_parse_depth(s, &v);
	case PEN_QUANTITY_RATE:
		return pen_parse_rate(s, &v);
	case PEN_QUANTITY_DURATION:
		return pen_parse_duration(s, &v64);
	case PEN_QUANTITY_DEVICE:
		return pen_parse_device(s, path, sizeof(path));
	case PEN_QUANTITY_INDEX:
		return pen_parse_index(s, &n);
	}
	return pen_fail(EINVAL);
}

/*
 * Up to @max bytes of @s into @buf (more than @max bytes), control
 * characters as '?': the reason is one line, whatever the user typed.
 */
static const char *printable(const char *s, char *buf, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
			 '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* Why the number or the unit of @s, which does not parse as @q, is wrong. */
static const char *value_why(enum pen_quantity q, const char *s, int err,
			     char *buf, size_t len)
{
	const char *unit;
	struct decimal d;
	char one[64];
	bool blank;

	if (err == ERANGE)
		return "too large";
	if (!*s)
		return "empty value";
	if (*s == '-')
		return "negative values are not allowed";
	if (!is_digit(*s))
		return *s == '.' ? "malformed number (write 0.5, not .5)" :
				   "not a number";
	/* "1.5.5mm" must not pass for a number and a unit ".5mm". */
	if (!split(s, &d, &unit, &blank) || *unit == '.' || *unit == ',')
		return "malformed number";

	if (!*unit && (quantities[q].unit_required || blank)) {
		snprintf(buf, len, "missing unit (use %s)", quantities[q].units);
		return buf;
	}
	/* A unit is known if "1" with it parses. */
	if (*unit && (strlen(unit) >= sizeof(one) - 1 ||
		      (snprintf(one, sizeof(one), "1%s", unit),
		       probe(q, one) < 0))) {
		if (q == PEN_QUANTITY_RATE && unit[0] == 'M' &&
		    unit_eq(unit, "mhz"))
			return "MHz is megahertz; use mHz";
		snprintf(buf, len, "unknown unit '%s' (use %s)",
			 printable(unit, one, 40), quantities[q].units);
		return buf;
	}
	if (q == PEN_QUANTITY_DURATION && !d.ipart && !d.frac && !d.too_fine)
		return "must be greater than zero";
	return quantities[q].too_fine;
}

/* @s names a pen by a number too large for one (not a path too long). */
static bool is_index_range(const char *s)
{
	unsigned int n;

	return pen_parse_index(s, &n) < 0 && errno == ERANGE;
}

PEN_EXPORT const char *pen_parse_strerror(enum pen_quantity q, const char *s,
					  char *buf, size_t len)
{
	const char *why;
	int err;

	if (!s || !buf || !len || (unsigned int)q > PEN_QUANTITY_INDEX)
		goto inval;
	if (probe(q, s) == 0)
		goto inval;
	err = errno;

	if (q == PEN_QUANTITY_DEVICE && err == ERANGE && !is_index_range(s))
		why = "path too long";
	else if (q == PEN_QUANTITY_DEVICE || q == PEN_QUANTITY_INDEX)
		why = err == ERANGE ? "number too large" :
		      !*s ? "empty value" :
		      q == PEN_QUANTITY_INDEX ?
		      "not a pen (N, penN or /dev/penN)" :
		      "not a pen (N, penN or /dev/penN) or a path with a '/'";
	else
		why = value_why(q, s, err, buf, len);
	if (why != buf)
		snprintf(buf, len, "%s", why);
	return buf;
inval:
	errno = EINVAL;
	return NULL;
}

/*
 * Print @v thousandths of @unit, e.g. 1250 -> "1.25 mm". On truncation the
 * buffer is emptied: "1.2" cut from "1.25 mm" would read as another value.
 */
static int format_milli(uint32_t v, const char *unit, char *buf, size_t len)
{
	unsigned int whole = v / 1000, frac = v % 1000;
	int digits = 3;

	if (!buf)
		return pen_fail(EINVAL);

	if (!frac)
		return pen_snprintf_whole(buf, len, "%u %s", whole, unit);
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	return pen_snprintf_whole(buf, len, "%u.%0*u %s", whole, digits, frac,
				  unit);
}

PEN_EXPORT int pen_format_depth(uint32_t depth_um, char *buf, size_t len)
{
	return format_milli(depth_um, "mm", buf, len);
}

PEN_EXPORT int pen_format_rate(uint32_t rate_mhz, char *buf, size_t len)
{
	return format_milli(rate_mhz, "Hz", buf, len);
}

/*
 * The names of a UAPI enumeration, indexed by value: a value added to
 * the UAPI without a name here reads as NULL, not as its neighbour.
 */
#define NAME_OF(names, v) \
	((v) < sizeof(names) / sizeof((names)[0]) ? (names)[v] : NULL)

static const char *const state_names[] = {
	[PEN_STATE_STOPPED] = "stopped",
	[PEN_STATE_RUNNING] = "running",
#ifdef PEN_STATE_GONE
	/* Only if the UAPI has it: a removed pen may instead fail ENODEV. */
	[PEN_STATE_GONE] = "gone",
#endif
};

static const char *const stop_reason_names[] = {
	[PEN_STOP_NONE] = "none",
	[PEN_STOP_REQUEST] = "request",
	[PEN_STOP_CLOSE] = "close",
	[PEN_STOP_REMOVED] = "removed",
	[PEN_STOP_BACKEND] = "backend",
	[PEN_STOP_FAULT] = "fault",
	[PEN_STOP_DEPTH_CAP] = "depth-cap",
	[PEN_STOP_RUN_TIME] = "run-time",
	[PEN_STOP_CARTRIDGE_REMOVED] = "cartridge-removed",
	[PEN_STOP_CARTRIDGE_SPENT] = "cartridge-spent",
	[PEN_STOP_SUSPEND] = "suspend",
	[PEN_STOP_SHUTDOWN] = "shutdown",
	[PEN_STOP_PEDAL] = "pedal",
};

static const char *const cartridge_state_names[] = {
	[PEN_CARTRIDGE_NONE] = "none",
	[PEN_CARTRIDGE_READY] = "ready",
	[PEN_CARTRIDGE_REUSED] = "reused",
	[PEN_CARTRIDGE_SPENT] = "spent",
};

static const char *const fault_names[] = {
	[PEN_FAULT_NONE] = "none",
	[PEN_FAULT_OVER_DEPTH] = "over-depth",
	[PEN_FAULT_STALL] = "stall",
	[PEN_FAULT_OVERCURRENT] = "overcurrent",
	[PEN_FAULT_OVERTEMP] = "overtemp",
	[PEN_FAULT_SUPPLY_LOW] = "supply-low",
	[PEN_FAULT_TIMING] = "timing",
	[PEN_FAULT_WATCHDOG] = "watchdog",
};

static const char *const event_type_names[] = {
	[PEN_EVENT_STROKE] = "stroke",
	[PEN_EVENT_STATE] = "state",
	[PEN_EVENT_SETPOINT] = "setpoint",
	[PEN_EVENT_FAULT] = "fault",
	[PEN_EVENT_FAULT_CLEARED] = "fault-cleared",
	[PEN_EVENT_CARTRIDGE] = "cartridge",
	[PEN_EVENT_OVERFLOW] = "overflow",
};

/* The name of @v, or "unknown": these name functions never fail. */
static const char *known(const char *name)
{
	return name ? name : "unknown";
}

PEN_EXPORT const char *pen_state_name(uint32_t state)
{
	return known(NAME_OF(state_names, state));
}

PEN_EXPORT const char *pen_stop_reason_name(uint32_t reason)
{
	return known(NAME_OF(stop_reason_names, reason));
}

PEN_EXPORT const char *pen_cartridge_state_name(uint32_t state)
{
	return known(NAME_OF(cartridge_state_names, state));
}

PEN_EXPORT const char *pen_fault_name(uint32_t fault)
{
	return known(NAME_OF(fault_names, fault));
}

PEN_EXPORT const char *pen_event_type_name(uint32_t type)
{
	const char *name = NAME_OF(event_type_names, type);

	if (!name)
		errno = EINVAL;
	return name;
}
