// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpen: which of the pen's rules a refused setpoint broke.
 *
 * The range and step rules come from the header the kernel enforces
 * them with (include/pen/setpoint-rules.h), so a tool that explains a
 * refusal never re-derives them. The depth cap is the administrator's
 * and changes at run time: the kernel checks it last, under the lock a
 * lowered cap is written under, and reports it as ERANGE.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "libpen.h"
#include "../include/pen/setpoint-rules.h"

_Static_assert((int)PEN_RULE_DEPTH_RANGE == (int)PEN_SETPOINT_DEPTH_RANGE &&
	       (int)PEN_RULE_DEPTH_STEP == (int)PEN_SETPOINT_DEPTH_STEP &&
	       (int)PEN_RULE_RATE_RANGE == (int)PEN_SETPOINT_RATE_RANGE,
	       "libpen's rules are the kernel's");

PEN_EXPORT int pen_setpoint_refusal(const struct pen_info *info,
				    uint32_t mask, uint32_t depth_um,
				    uint32_t rate_mhz, int err,
				    struct pen_refusal *why)
{
	const struct pen_setpoint_limits lim = {
		.depth_min_um = info ? info->depth_min_um : 0,
		.depth_max_um = info ? info->depth_max_um : 0,
		.depth_step_um = info ? info->depth_step_um : 0,
		.rate_min_mhz = info ? info->rate_min_mhz : 0,
		.rate_max_mhz = info ? info->rate_max_mhz : 0,
	};
	enum pen_setpoint_rule rule;

	if (!info || !why)
		return pen_fail(EINVAL);
	memset(why, 0, sizeof(*why));

	/* Only a rule the kernel refuses with @err explains the refusal. */
	rule = pen_setpoint_rule(&lim, mask, depth_um, rate_mhz);
	if (rule != PEN_SETPOINT_OK) {
		if (pen_setpoint_errno(rule) != -err)
			return 0;
		why->rule = (enum pen_rule)rule;
		if (rule == PEN_SETPOINT_RATE_RANGE) {
			why->min = lim.rate_min_mhz;
			why->max = lim.rate_max_mhz;
		} else {
			why->min = lim.depth_min_um;
			why->max = rule == PEN_SETPOINT_DEPTH_RANGE ?
				   lim.depth_max_um : 0;
			why->step = rule == PEN_SETPOINT_DEPTH_STEP ?
				    lim.depth_step_um : 0;
		}
		return 0;
	}
	if (err == ERANGE && (mask & PEN_PARAM_DEPTH) &&
	    depth_um > info->depth_cap_um) {
		why->rule = PEN_RULE_DEPTH_CAP;
		why->cap = info->depth_cap_um;
	}
	return 0;
}

PEN_EXPORT int pen_explain_refusal(struct pen *pen, uint32_t mask,
				   uint32_t depth_um, uint32_t rate_mhz,
				   int err, struct pen_refusal *why)
{
	struct pen_info info;

	if (!why)
		return pen_fail(EINVAL);
	if (pen_get_info(pen, &info) < 0)
		return -1;
	return pen_setpoint_refusal(&info, mask, depth_um, rate_mhz, err, why);
}

/* Each fits in 16 bytes: "4294967.295 mm". */
#define VALUE_LEN	16

PEN_EXPORT int pen_format_refusal(const struct pen_refusal *why, char *buf,
				  size_t len)
{
	int (*fmt)(uint32_t v, char *buf, size_t len);
	char a[VALUE_LEN], b[VALUE_LEN];
	const char *words;

	if (!why || !buf)
		return pen_fail(EINVAL);
	/* Two values at most, formatted first, then put in their words. */
	b[0] = '\0';
	switch (why->rule) {
	case PEN_RULE_DEPTH_RANGE:
	case PEN_RULE_RATE_RANGE:
		fmt = why->rule == PEN_RULE_RATE_RANGE ? pen_format_rate :
							 pen_format_depth;
		fmt(why->min, a, sizeof(a));
		fmt(why->max, b, sizeof(b));
		words = "outside the pen's range, %s to %s";
		break;
	case PEN_RULE_DEPTH_STEP:
		pen_format_depth(why->step, a, sizeof(a));
		pen_format_depth(why->min, b, sizeof(b));
		words = "not on the pen's %s steps from %s";
		break;
	case PEN_RULE_DEPTH_CAP:
		pen_format_depth(why->cap, a, sizeof(a));
		words = "above the pen's depth cap, %s%s";
		break;
	default:
		return pen_fail(EINVAL);
	}
	return pen_snprintf_whole(buf, len, words, a, b);
}

PEN_EXPORT const char *pen_rule_name(enum pen_rule rule)
{
	switch (rule) {
	case PEN_RULE_NONE:
		return "none";
	case PEN_RULE_DEPTH_RANGE:
		return "depth-range";
	case PEN_RULE_DEPTH_STEP:
		return "depth-step";
	case PEN_RULE_RATE_RANGE:
		return "rate-range";
	case PEN_RULE_DEPTH_CAP:
		return "depth-cap";
	default:
		return "unknown";
	}
}
