// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why a value was refused, in words. Both halves are libpen's: the
 * grammar of a value on the command line (pen_parse_strerror()) and the
 * rule of the pen's a refused setpoint broke (pen_explain_refusal(),
 * the kernel's own rules). penctl only names the value as it was typed.
 */
#include <errno.h>
#include <string.h>

#include "penctl.h"

struct value_type {
	const char *name;		/* "depth" */
	enum pen_quantity quantity;	/* the grammar it was parsed by */
};

const struct value_type depth_type = { "depth", PEN_QUANTITY_DEPTH };
const struct value_type rate_type = { "rate", PEN_QUANTITY_RATE };
/* A rate in run --levels, named as what it is there. */
const struct value_type level_type = { "level", PEN_QUANTITY_RATE };
const struct value_type duration_type = {
	"duration", PEN_QUANTITY_DURATION,
};
/* --watchdog: a duration, named as what it is. */
const struct value_type watchdog_type = {
	"watchdog", PEN_QUANTITY_DURATION,
};
const struct value_type device_type = { "device", PEN_QUANTITY_DEVICE };

/* libpen refused @s with @err; say which part of it is wrong. */
void value_error(const struct value_type *t, const char *s, int err)
{
	char why[128];

	if (!pen_parse_strerror(t->quantity, s, why, sizeof(why)))
		snprintf(why, sizeof(why), "%s", strerror(err));
	errorf("invalid %s '%s': %s", t->name, s, why);
}

/*
 * The pen refused --depth and/or --rate (@err): name the value as it was
 * typed and the limit it broke, rather than just "out of range". A value
 * penctl chose itself (run --buttons' depth, say) is named as it is.
 * Returns true if a rule was named (reported), false if none explains
 * the refusal (the caller reports @err).
 */
bool setpoint_refusal(const struct ctx *c, struct pen *pen, int err)
{
	uint32_t mask = ((c->given & OPT_F_DEPTH) ? PEN_PARAM_DEPTH : 0) |
			((c->given & OPT_F_RATE) ? PEN_PARAM_RATE : 0);
	char words[128], v[FMT_LEN];
	struct pen_refusal why;
	bool rate;

	if (pen_explain_refusal(pen, mask, c->depth_um, c->rate_mhz, err,
				&why) ||
	    why.rule == PEN_RULE_NONE ||
	    pen_format_refusal(&why, words, sizeof(words)) < 0)
		return false;
	rate = why.rule == PEN_RULE_RATE_RANGE;
	errorf("%s: invalid %s '%s': %s", c->path, rate ? "rate" : "depth",
	       rate ? (c->rate_arg ? c->rate_arg : rate_str(c->rate_mhz, v)) :
	       (c->depth_arg ? c->depth_arg : depth_str(c->depth_um, v)),
	       words);
	return true;
}
