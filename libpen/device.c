// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpen: opening pen devices and the ioctl wrappers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "libpen.h"

#define NSEC_PER_SEC	1000000000LL

struct pen {
	int fd;
	char *path;
};

PEN_EXPORT struct pen *pen_open(const char *path, int flags)
{
	struct stat st;
	struct pen *pen;
	int oflags, saved;

	if (!path || !*path || (flags & ~PEN_OPEN_CONTROL)) {
		errno = EINVAL;
		return NULL;
	}

	/*
	 * Refuse anything but a character device before opening it: open(2)
	 * of a FIFO would block, and opening a regular file read-write as a
	 * "controller" only hides the mistake until the first ioctl.
	 */
	if (stat(path, &st) < 0)
		return NULL;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return NULL;
	}

	pen = calloc(1, sizeof(*pen));
	if (!pen)
		return NULL;
	pen->path = strdup(path);
	if (!pen->path)
		goto err_free;

	/*
	 * O_CLOEXEC: a controlling descriptor inherited by some exec'd child
	 * would keep the needle running after its owner exits.
	 */
	oflags = O_CLOEXEC | O_NOCTTY;
	oflags |= (flags & PEN_OPEN_CONTROL) ? O_RDWR : O_RDONLY;
	do {
		pen->fd = open(path, oflags);
	} while (pen->fd < 0 && errno == EINTR);
	if (pen->fd < 0)
		goto err_free;

	/* The path may have been replaced between stat() and open(). */
	if (fstat(pen->fd, &st) < 0)
		goto err_close;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		goto err_close;
	}

	return pen;

err_close:
	saved = errno;
	close(pen->fd);
	errno = saved;
err_free:
	saved = errno;
	free(pen->path);
	free(pen);
	errno = saved;
	return NULL;
}

PEN_EXPORT struct pen *pen_open_index(unsigned int index, int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/pen%u", index);
	return pen_open(path, flags);
}

void pen_release(int fd, void *handle)
{
	int saved = errno;

	close(fd);
	free(handle);
	errno = saved;
}

PEN_EXPORT void pen_close(struct pen *pen)
{
	if (!pen)
		return;
	free(pen->path);
	pen_release(pen->fd, pen);
}

PEN_EXPORT int pen_fd(const struct pen *pen)
{
	if (!pen)
		return pen_fail(EINVAL);
	return pen->fd;
}

PEN_EXPORT const char *pen_path(const struct pen *pen)
{
	if (!pen) {
		errno = EINVAL;
		return NULL;
	}
	return pen->path;
}

/*
 * Issue one ioctl. Queries, setpoints and stops are idempotent, so an
 * interruption is retried for them; @retry is false only for START, where
 * the signal may well be the user asking for the needle not to run.
 */
static int pen_ioctl(struct pen *pen, unsigned long request, void *arg,
		     bool retry)
{
	int ret;

	if (!pen)
		return pen_fail(EINVAL);
	do {
		ret = ioctl(pen->fd, request, arg);
	} while (ret < 0 && errno == EINTR && retry);

	return ret < 0 ? -1 : 0;
}

PEN_EXPORT int pen_get_info(struct pen *pen, struct pen_info *info)
{
	if (!info)
		return pen_fail(EINVAL);
	memset(info, 0, sizeof(*info));
	if (pen_ioctl(pen, PEN_IOC_GET_INFO, info, true) < 0)
		return -1;

	/*
	 * The ABI promises NUL-terminated strings; enforce it anyway, since
	 * callers print these and a bad backend must not make them overrun.
	 */
	info->name[sizeof(info->name) - 1] = '\0';
	info->driver[sizeof(info->driver) - 1] = '\0';
	info->model[sizeof(info->model) - 1] = '\0';
	info->serial[sizeof(info->serial) - 1] = '\0';
	return 0;
}

PEN_EXPORT int pen_get_status(struct pen *pen, struct pen_status *status)
{
	if (!status)
		return pen_fail(EINVAL);
	memset(status, 0, sizeof(*status));
	return pen_ioctl(pen, PEN_IOC_GET_STATUS, status, true);
}

static int pen_set(struct pen *pen, uint32_t mask, uint32_t depth_um,
		   uint32_t rate_mhz)
{
	struct pen_params params;

	/* The kernel rejects non-zero reserved fields: zero everything. */
	memset(&params, 0, sizeof(params));
	params.mask = mask;
	if (mask & PEN_PARAM_DEPTH)
		params.depth_um = depth_um;
	if (mask & PEN_PARAM_RATE)
		params.rate_mhz = rate_mhz;

	return pen_ioctl(pen, PEN_IOC_SET_PARAMS, &params, true);
}

PEN_EXPORT int pen_set_depth(struct pen *pen, uint32_t depth_um)
{
	return pen_set(pen, PEN_PARAM_DEPTH, depth_um, 0);
}

PEN_EXPORT int pen_set_rate(struct pen *pen, uint32_t rate_mhz)
{
	return pen_set(pen, PEN_PARAM_RATE, 0, rate_mhz);
}

PEN_EXPORT int pen_set_params(struct pen *pen, uint32_t depth_um,
			      uint32_t rate_mhz)
{
	return pen_set(pen, PEN_PARAM_DEPTH | PEN_PARAM_RATE, depth_um,
		       rate_mhz);
}

PEN_EXPORT int pen_start(struct pen *pen)
{
	return pen_ioctl(pen, PEN_IOC_START, NULL, false);
}

PEN_EXPORT int pen_stop(struct pen *pen)
{
	return pen_ioctl(pen, PEN_IOC_STOP, NULL, true);
}

PEN_EXPORT int pen_clear_fault(struct pen *pen)
{
	/* Clearing is idempotent and starts nothing: retry interruptions. */
	return pen_ioctl(pen, PEN_IOC_CLEAR_FAULT, NULL, true);
}

/*
 * The requests that take one value: struct pen_watchdog and struct
 * pen_hold_to_run are a __u32 and three reserved ones, which the kernel
 * wants zero.
 */
static int pen_set_u32(struct pen *pen, unsigned long request, uint32_t v)
{
	uint32_t arg[4] = { v };

	_Static_assert(sizeof(struct pen_watchdog) == sizeof(arg) &&
		       offsetof(struct pen_watchdog, timeout_ms) == 0 &&
		       sizeof(struct pen_hold_to_run) == sizeof(arg) &&
		       offsetof(struct pen_hold_to_run, enable) == 0,
		       "one __u32 and three reserved");
	return pen_ioctl(pen, request, arg, true);
}

PEN_EXPORT int pen_set_watchdog(struct pen *pen, uint32_t timeout_ms)
{
	return pen_set_u32(pen, PEN_IOC_SET_WATCHDOG, timeout_ms);
}

PEN_EXPORT int pen_kick_watchdog(struct pen *pen)
{
	return pen_ioctl(pen, PEN_IOC_KICK_WATCHDOG, NULL, true);
}

PEN_EXPORT int pen_set_hold_to_run(struct pen *pen, bool enable)
{
	return pen_set_u32(pen, PEN_IOC_SET_HOLD_TO_RUN, enable);
}

int pen_poll_fd(int fd, int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;
	struct pollfd pfd;
	int ret;

	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / NSEC_PER_SEC;
		ts.tv_nsec = timeout_ns % NSEC_PER_SEC;
		tsp = &ts;
	}

	/*
	 * ppoll() rather than poll(): nanoseconds, no rounding up to whole
	 * milliseconds. POLLHUP and POLLERR need not be asked for: a removed
	 * device is "ready" too, so that the caller's read learns ENODEV
	 * instead of waiting for events that will never come.
	 */
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	ret = ppoll(&pfd, 1, tsp, NULL);
	if (ret <= 0)
		return ret < 0 ? -1 : 0;
	if (pfd.revents & POLLNVAL)
		return pen_fail(EBADF);
	return 1;
}

PEN_EXPORT int pen_wait_events(struct pen *pen, int64_t timeout_ns)
{
	if (!pen)
		return pen_fail(EINVAL);
	return pen_poll_fd(pen->fd, timeout_ns);
}

PEN_EXPORT ssize_t pen_read_events(struct pen *pen, struct pen_event *buf,
				   size_t max_events)
{
	ssize_t n;

	if (!pen || !buf || !max_events)
		return pen_fail(EINVAL);
	/* read(2) takes at most SSIZE_MAX bytes; any more wouldn't fit. */
	if (max_events > SSIZE_MAX / sizeof(*buf))
		max_events = SSIZE_MAX / sizeof(*buf);

	/*
	 * One read, not retried on EINTR: a caller blocked here for lack of
	 * events must be able to act on the signal that interrupted it.
	 */
	n = read(pen->fd, buf, max_events * sizeof(*buf));
	if (n < 0)
		return -1;
	/*
	 * The driver hands out whole records only. Anything else is not a
	 * pen, and a record cut in two must not be taken for an event.
	 */
	if (n % sizeof(*buf))
		return pen_fail(EIO);
	return n / sizeof(*buf);
}
