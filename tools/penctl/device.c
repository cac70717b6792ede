// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A pen opened and its setpoints set, with the errors of both in words.
 */
#include <errno.h>
#include <string.h>

#include "penctl.h"

const char *open_strerror(int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
		return "no such pen";
	case ENODEV:
		return "pen is gone (removed)";
	case EBUSY:
		return "pen is controlled by another process";
	case EACCES:
		return "permission denied";
	case EPERM:
		return "operation not permitted";
	case ENOTTY:
		return "not a pen device";
	default:
		return strerror(err);
	}
}

const char *ioctl_strerror(int err)
{
	switch (err) {
	case ENOTTY:
		return "not a pen device";
	case ENODEV:
		return "pen is gone (removed)";
	case EBADF:
	case EPERM:
		return "not permitted without control of the pen";
	case EBUSY:
		return "pen is controlled by another process";
	default:
		return strerror(err);
	}
}

struct pen *open_pen(const struct ctx *c, int flags)
{
	struct pen *pen = pen_open(c->path, flags);

	if (!pen)
		errorf("%s: %s", c->path, open_strerror(errno));
	return pen;
}

void ioctl_error(const struct ctx *c, const char *what, int err)
{
	errorf("%s: cannot %s: %s", c->path, what, ioctl_strerror(err));
}

/* The pen's status into @st; -1 if it cannot be read (said). */
int read_status(const struct ctx *c, struct pen *pen, struct pen_status *st)
{
	if (!pen_get_status(pen, st))
		return 0;
	ioctl_error(c, "read pen status", errno);
	return -1;
}

/* The pen's identity and limits into @info; -1 if not (said). */
int read_info(const struct ctx *c, struct pen *pen, struct pen_info *info)
{
	if (!pen_get_info(pen, info))
		return 0;
	ioctl_error(c, "read pen info", errno);
	return -1;
}

/* The pen opened and its info read into @info; NULL if not (said). */
struct pen *open_pen_info(const struct ctx *c, int flags,
			  struct pen_info *info)
{
	struct pen *pen = open_pen(c, flags);

	if (pen && read_info(c, pen, info) < 0) {
		pen_close(pen);
		return NULL;
	}
	return pen;
}

/*
 * Apply --depth and/or --rate. Both together go through one SET_PARAMS,
 * so the pen never runs with a new depth and the old rate or vice versa.
 */
int apply_setpoints(const struct ctx *c, struct pen *pen)
{
	bool depth = c->given & OPT_F_DEPTH, rate = c->given & OPT_F_RATE;
	int ret, err;

	if (depth && rate)
		ret = pen_set_params(pen, c->depth_um, c->rate_mhz);
	else if (depth)
		ret = pen_set_depth(pen, c->depth_um);
	else if (rate)
		ret = pen_set_rate(pen, c->rate_mhz);
	else
		return 0;
	if (!ret)
		return 0;
	err = errno;
	if (setpoint_refusal(c, pen, err))
		return -1;
	ioctl_error(c, depth && rate ? "set depth and rate" :
		    depth ? "set depth" : "set rate", err);
	return -1;
}
