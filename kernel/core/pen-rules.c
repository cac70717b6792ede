// SPDX-License-Identifier: GPL-2.0
/*
 * The core's rules that need no device: rate to period conversion, the
 * validation of SET_PARAMS and of what a backend registers. Pure
 * functions of their arguments, so that pen-kunit.c can check every rule
 * without hardware; they are exported to the KUnit tests only.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/time64.h>

#include <uapi/linux/pen.h>
#include <pen/setpoint-rules.h>

#include "pen-internal.h"

/**
 * pen_rate_to_period_ns() - stroke period for a stroke rate
 * @rate_mhz: strokes per 1000 s; non-zero
 *
 * Return: the period in nanoseconds, rounded to the nearest (halves up).
 * Exact for every u32 rate: the dividend stays below 2^41.
 */
u64 pen_rate_to_period_ns(u32 rate_mhz)
{
	/* 1000 s in ns over strokes per 1000 s, rounded to nearest. */
	return div_u64(NSEC_PER_SEC * 1000ULL + rate_mhz / 2, rate_mhz);
}
EXPORT_SYMBOL_IF_KUNIT(pen_rate_to_period_ns);

/**
 * pen_check_params() - validate a PEN_IOC_SET_PARAMS request
 * @hw: the pen's limits
 * @p: the request, copied from userspace
 *
 * The fields named in @p->mask are checked together, so that a request
 * is applied whole or not at all.
 *
 * Return: 0; -EINVAL for a malformed request (reserved field or unknown
 * mask bit set, empty mask, a value the mask leaves out, a depth off the
 * hardware's step grid); -ERANGE for a value outside the pen's limits.
 */
int pen_check_params(const struct pen_hw_info *hw, const struct pen_params *p)
{
	const struct pen_setpoint_limits lim = {
		.depth_min_um = hw->depth_min_um,
		.depth_max_um = hw->depth_max_um,
		.depth_step_um = hw->depth_step_um,
		.rate_min_mhz = hw->rate_min_mhz,
		.rate_max_mhz = hw->rate_max_mhz,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p->reserved); i++)
		if (p->reserved[i])
			return -EINVAL;
	if (!p->mask || (p->mask & ~PEN_PARAM_ALL))
		return -EINVAL;
	/* A value the mask leaves out must be zero, not silently ignored. */
	if ((!(p->mask & PEN_PARAM_DEPTH) && p->depth_um) ||
	    (!(p->mask & PEN_PARAM_RATE) && p->rate_mhz))
		return -EINVAL;

	/* The range and step rules are libpen's too: one copy, shared. */
	return pen_setpoint_errno(pen_setpoint_rule(&lim, p->mask, p->depth_um,
						    p->rate_mhz));
}
EXPORT_SYMBOL_IF_KUNIT(pen_check_params);

/**
 * pen_check_hw_info() - validate what a backend registers
 * @ops: the backend's operations; drive_enable() is optional
 * @hw: its limits
 *
 * Return: 0, or -EINVAL if an operation the core needs is missing, the
 * depth step is zero, a range is empty, the fastest rate is above
 * PEN_RATE_LIMIT_MHZ or an unknown button is named.
 */
int pen_check_hw_info(const struct pen_ops *ops, const struct pen_hw_info *hw)
{
	if (!ops || !ops->drive_disable || !ops->stroke)
		return -EINVAL;
	if (!hw->depth_step_um || hw->depth_min_um > hw->depth_max_um)
		return -EINVAL;
	if (!hw->rate_min_mhz || hw->rate_min_mhz > hw->rate_max_mhz ||
	    hw->rate_max_mhz > PEN_RATE_LIMIT_MHZ)
		return -EINVAL;
	if (hw->buttons & ~GENMASK(PEN_BUTTON_COUNT - 1, 0))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pen_check_hw_info);
