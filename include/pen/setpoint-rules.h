/* SPDX-License-Identifier: (GPL-2.0 OR LGPL-2.1-or-later) */
/*
 * The rules a setpoint must keep against the pen's limits, in one place
 * for the two that need them: pen.ko enforces them (pen_check_params() in
 * kernel/core/pen-rules.c) and libpen names the one a refused setpoint
 * broke (libpen/rules.c), so that no tool derives them again and the two
 * cannot drift apart.
 *
 * Dependency-free on purpose: plain C with no includes and no types but
 * unsigned int (the kernel's u32 and userspace's uint32_t alike), so the
 * kernel and userspace can both include it. The includer provides the
 * errno values and the PEN_PARAM_* bits (the pen UAPI header) first.
 */
#ifndef _PEN_SETPOINT_RULES_H
#define _PEN_SETPOINT_RULES_H

#ifndef PEN_PARAM_DEPTH
#error "include the pen UAPI header (linux/pen.h) before pen/setpoint-rules.h"
#endif

/* The limits a setpoint is checked against: struct pen_info's. */
struct pen_setpoint_limits {
	unsigned int depth_min_um;
	unsigned int depth_max_um;
	unsigned int depth_step_um;
	unsigned int rate_min_mhz;
	unsigned int rate_max_mhz;
};

/*
 * The rules, in the order the kernel checks them. libpen's public
 * enum pen_rule has the same values (checked where libpen maps them).
 */
enum pen_setpoint_rule {
	PEN_SETPOINT_OK = 0,
	PEN_SETPOINT_DEPTH_RANGE = 1,	/* outside depth_min..depth_max */
	PEN_SETPOINT_DEPTH_STEP = 2,	/* not depth_min plus whole steps */
	PEN_SETPOINT_RATE_RANGE = 3,	/* outside rate_min..rate_max */
};

/*
 * The first rule the fields named in @mask break, or PEN_SETPOINT_OK. A
 * zero step (which the kernel never registers) puts no grid on the depth.
 */
static inline enum pen_setpoint_rule
pen_setpoint_rule(const struct pen_setpoint_limits *lim, unsigned int mask,
		  unsigned int depth_um, unsigned int rate_mhz)
{
	if (mask & PEN_PARAM_DEPTH) {
		if (depth_um < lim->depth_min_um ||
		    depth_um > lim->depth_max_um)
			return PEN_SETPOINT_DEPTH_RANGE;
		/* Off the hardware's grid: refused rather than rounded. */
		if (lim->depth_step_um &&
		    (depth_um - lim->depth_min_um) % lim->depth_step_um)
			return PEN_SETPOINT_DEPTH_STEP;
	}
	if (mask & PEN_PARAM_RATE) {
		if (rate_mhz < lim->rate_min_mhz ||
		    rate_mhz > lim->rate_max_mhz)
			return PEN_SETPOINT_RATE_RANGE;
	}
	return PEN_SETPOINT_OK;
}

/* The error PEN_IOC_SET_PARAMS fails with for @rule: 0 or a -errno. */
static inline int pen_setpoint_errno(enum pen_setpoint_rule rule)
{
	switch (rule) {
	case PEN_SETPOINT_OK:
		return 0;
	case PEN_SETPOINT_DEPTH_STEP:
		return -EINVAL;
	default:
		return -ERANGE;
	}
}

#endif /* _PEN_SETPOINT_RULES_H */
