// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why a value was refused, in words: a value on the command line that
 * libpen's parsers refused (they say only EINVAL or ERANGE), or a
 * setpoint the pen refused, named with the limit it broke. Both re-derive
 * rules that live elsewhere (libpen's grammar, the kernel's range, cap
 * and step checks), so they are kept here together, behind two
 * functions: value_error() and setpoint_refusal().
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "penctl.h"

struct value_type {
	const char *name;		/* "depth" */
	const char *units;		/* "mm or um" */
	bool unit_required;
	const char *too_fine;		/* why a valid unit still failed */
	int (*probe)(const char *s);
};

static int probe_depth(const char *s)
{
	uint32_t v;

	return pen_parse_depth(s, &v);
}

static int probe_rate(const char *s)
{
	uint32_t v;

	return pen_parse_rate(s, &v);
}

static int probe_duration(const char *s)
{
	uint64_t v;

	return pen_parse_duration(s, &v);
}

const struct value_type depth_type = {
	"depth", "mm or um", true,
	"not a whole number of micrometres", probe_depth,
};

const struct value_type rate_type = {
	"rate", "Hz, mHz, spm or rpm", true,
	"finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; "
	"whole numbers in mHz)", probe_rate,
};

/* A rate in run --levels, named as what it is there. */
const struct value_type level_type = {
	"level", "Hz, mHz, spm or rpm", true,
	"finer than 1 mHz (at most 3 decimals in Hz, spm or rpm; "
	"whole numbers in mHz)", probe_rate,
};

const struct value_type duration_type = {
	"duration", "ms, s, m or h", false,
	"finer than 1 ns", probe_duration,
};

/* --watchdog: a duration, named as what it is. */
const struct value_type watchdog_type = {
	"watchdog", "ms, s, m or h", false,
	"finer than 1 ns", probe_duration,
};

/*
 * libpen says only EINVAL or ERANGE; say which part of @s is wrong. The
 * unit is judged by parsing "1" followed by it: if that works, the unit
 * is fine and the number is what the unit cannot represent.
 */
void value_error(const struct value_type *t, const char *s, int err)
{
	const char *p = s, *unit, *why = NULL;
	char probe[64], buf[128];
	bool zero = true;

	if (err == ERANGE) {
		why = "too large";
	} else if (!*s) {
		why = "empty value";
	} else if (*s == '-') {
		why = "negative values are not allowed";
	} else if (!is_digit(*s)) {
		why = *s == '.' ? "malformed number (write 0.5, not .5)" :
				  "not a number";
	} else {
		for (; is_digit(*p); p++)
			if (*p != '0')
				zero = false;
		if (*p == '.') {
			if (!is_digit(*++p))
				why = "malformed number";
			for (; is_digit(*p); p++)
				if (*p != '0')
					zero = false;
		}
		/* "1.5.5mm" must not pass for a number and a unit ".5mm". */
		if (*p == '.' || *p == ',')
			why = "malformed number";
	}
	if (why)
		goto out;

	for (unit = p; *unit == ' ' || *unit == '\t'; unit++)
		;
	if (!*unit && (t->unit_required || unit != p)) {
		snprintf(buf, sizeof(buf), "missing unit (use %s)", t->units);
		why = buf;
	} else if (*unit) {
		snprintf(probe, sizeof(probe), "1%s", unit);
		if (strlen(unit) >= sizeof(probe) - 1 || t->probe(probe) < 0) {
			snprintf(buf, sizeof(buf),
				 "unknown unit '%.40s' (use %s)", unit,
				 t->units);
			why = buf;
			if (t->probe == probe_rate && unit[0] == 'M' &&
			    !strcasecmp(unit, "mhz"))
				why = "MHz is megahertz; use mHz";
		}
	}
	if (!why)
		why = (zero && t->probe == probe_duration) ?
			"must be greater than zero" : t->too_fine;
out:
	errorf("invalid %s '%s': %s", t->name, s, why);
}

/*
 * The pen refused --depth and/or --rate (@err): name the value as it was
 * typed and the limit it broke, rather than just "out of range". A value
 * penctl chose itself (run --buttons' depth, say) is named as it is.
 * These are the kernel's range, cap and step rules, re-derived from the
 * pen's info. Returns true if a rule was named (reported), false if none
 * explains the refusal (the caller reports @err).
 */
bool setpoint_refusal(const struct ctx *c, struct pen *pen, int err)
{
	bool depth = c->given & OPT_F_DEPTH, rate = c->given & OPT_F_RATE;
	char a[FMT_LEN], b[FMT_LEN], vd[FMT_LEN], vr[FMT_LEN];
	const char *dv, *rv;
	struct pen_info info;

	if ((err != ERANGE && err != EINVAL) || pen_get_info(pen, &info))
		return false;
	dv = c->depth_arg ? c->depth_arg : depth_str(c->depth_um, vd);
	rv = c->rate_arg ? c->rate_arg : rate_str(c->rate_mhz, vr);
	if (depth && (c->depth_um < info.depth_min_um ||
		      c->depth_um > info.depth_max_um)) {
		errorf("%s: invalid depth '%s': outside the pen's range, %s to %s",
		       c->path, dv, depth_str(info.depth_min_um, a),
		       depth_str(info.depth_max_um, b));
		return true;
	}
	if (depth && c->depth_um > info.depth_cap_um) {
		errorf("%s: invalid depth '%s': above the pen's depth cap, %s",
		       c->path, dv, depth_str(info.depth_cap_um, a));
		return true;
	}
	if (depth && info.depth_step_um &&
	    (c->depth_um - info.depth_min_um) % info.depth_step_um) {
		errorf("%s: invalid depth '%s': not on the pen's %s steps from %s",
		       c->path, dv, depth_str(info.depth_step_um, a),
		       depth_str(info.depth_min_um, b));
		return true;
	}
	if (rate && (c->rate_mhz < info.rate_min_mhz ||
		     c->rate_mhz > info.rate_max_mhz)) {
		errorf("%s: invalid rate '%s': outside the pen's range, %s to %s",
		       c->path, rv, rate_str(info.rate_min_mhz, a),
		       rate_str(info.rate_max_mhz, b));
		return true;
	}
	return false;
}
