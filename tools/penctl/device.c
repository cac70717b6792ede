// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A pen opened and its setpoints set, with the errors of both in words.
 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/*
 * The name of group @gid into @name (@len bytes); false if it has none
 * or it cannot be read. getgrgid_r() with a buffer that grows as long as
 * the group's member list needs it.
 */
static bool group_name(gid_t gid, char *name, size_t len)
{
	struct group grp, *gr = NULL;
	size_t size = 1024;
	char *buf = NULL, *bigger;
	int ret;

	do {
		size *= 4;
		bigger = realloc(buf, size);
		if (!bigger)
			break;
		buf = bigger;
		ret = getgrgid_r(gid, &grp, buf, size, &gr);
	} while (ret == ERANGE && size < (1 << 20));
	if (gr)
		snprintf(name, len, "%s", gr->gr_name);
	free(buf);
	return gr;
}

/*
 * Why @path would not open (@err), said. Refused for want of permission,
 * the message names what would give it: membership of the group that
 * owns the node (pen's udev rule makes /dev/penN root:pen 0660), or,
 * for a node still root's alone, that rule (penctl(1), FILES).
 */
void open_error(const char *path, int err)
{
	char group[64];
	struct stat st;

	if ((err != EACCES && err != EPERM) || stat(path, &st) < 0) {
		errorf("%s: %s", path, open_strerror(err));
		return;
	}
	if (st.st_gid == 0) {
		errorf("%s: permission denied: the node is root's alone (mode %04o): is pen's udev rule (60-pen.rules) installed?",
		       path, (unsigned int)(st.st_mode & 07777));
		return;
	}
	if (group_name(st.st_gid, group, sizeof(group)))
		errorf("%s: permission denied: add your user to group '%s' (owner of %s)",
		       path, group, path);
	else
		errorf("%s: permission denied: add your user to group %u (owner of %s)",
		       path, (unsigned int)st.st_gid, path);
}

struct pen *open_pen(const struct ctx *c, int flags)
{
	struct pen *pen = pen_open(c->path, flags);

	if (!pen)
		open_error(c->path, errno);
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
