// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpen: a pen's buttons and footswitch, read through its input device.
 *
 * The kernel reports them as keys of an input device that is a child of
 * the pen's class device. It is found from sysfs, never by its name (any
 * program can create an input device called anything), and read with
 * libevdev, which keeps the key state and resynchronises it after the
 * kernel's buffer overflowed (SYN_DROPPED).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>

#include "internal.h"
#include "libpen.h"

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_USEC	1000LL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PEN_SYSFS_CLASS	"/sys/class/pen"
#define PEN_DEV_INPUT	"/dev/input"

struct pen_buttons {
	struct libevdev *evdev;
	int fd;
	/* A SYN_DROPPED was read: the next events come from libevdev's resync. */
	bool syncing;
};

static const struct {
	unsigned int key;
	const char *name;
} pen_keys[] = {
	{ PEN_KEY_MAIN, "main" },
	{ PEN_KEY_SPEED_UP, "speed-up" },
	{ PEN_KEY_SPEED_DOWN, "speed-down" },
	{ PEN_KEY_FOOTSWITCH, "footswitch" },
};

static bool pen_key_valid(unsigned int key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pen_keys); i++)
		if (pen_keys[i].key == key)
			return true;
	return false;
}

PEN_EXPORT const char *pen_button_name(unsigned int key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pen_keys); i++)
		if (pen_keys[i].key == key)
			return pen_keys[i].name;
	errno = EINVAL;
	return NULL;
}

/* libevdev prints to stderr by default; a library must not. */
static void pen_evdev_quiet(const struct libevdev *dev,
			    enum libevdev_log_priority priority, void *data,
			    const char *file, int line, const char *func,
			    const char *format, va_list args)
{
	(void)dev;
	(void)priority;
	(void)data;
	(void)file;
	(void)line;
	(void)func;
	(void)format;
	(void)args;
}

/* A sysfs "dev" attribute, "MAJOR:MINOR\n", under @dirfd. */
static int read_devnum(int dirfd, const char *path, dev_t *devnum)
{
	unsigned int major, minor;
	char buf[32], nl;
	ssize_t n;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	/* The attribute went with its device, removed as we looked. */
	if (fd < 0)
		return pen_fail(errno == ENOENT ? ENODEV : errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return pen_fail(ENODEV);
	buf[n] = '\0';
	if (sscanf(buf, "%u:%u%c", &major, &minor, &nl) != 3 || nl != '\n')
		return pen_fail(ENODEV);
	*devnum = makedev(major, minor);
	return 0;
}

/* @s is @prefix followed by a decimal number, as the kernel names them. */
static bool numbered(const char *s, const char *prefix)
{
	size_t len = strlen(prefix);

	if (strncmp(s, prefix, len) || !s[len])
		return false;
	for (s += len; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * The first entry of @dirfd named @prefix<N>, into @name. ENODEV if there
 * is none.
 */
static int find_numbered(int dirfd, const char *prefix, char *name,
			 size_t len)
{
	struct dirent *e;
	DIR *dir;
	int fd, saved;

	fd = dup(dirfd);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/* A dup shares the offset: start from the top every time. */
	rewinddir(dir);
	errno = 0;
	while ((e = readdir(dir))) {
		if (numbered(e->d_name, prefix) &&
		    strlen(e->d_name) < len) {
			snprintf(name, len, "%s", e->d_name);
			closedir(dir);
			return 0;
		}
	}
	saved = errno ? errno : ENODEV;
	closedir(dir);
	errno = saved;
	return -1;
}

/*
 * Open the event device of the pen's input device, which sysfs shows as
 * /sys/class/pen/<name>/inputM/eventK, and check the node opened is that
 * device. Returns the descriptor, or -1 with errno set.
 */
static int open_event_node(const char *pen_name, dev_t pen_devnum)
{
	char path[PATH_MAX], input[64], event[64];
	int dirfd = -1, indirfd = -1, fd = -1, saved;
	dev_t devnum;
	struct stat st;

	snprintf(path, sizeof(path), PEN_SYSFS_CLASS "/%s", pen_name);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		/* No class directory: the pen went, or sysfs is not there. */
		if (errno == ENOENT)
			errno = ENODEV;
		return -1;
	}
	/* The name is this pen's only if the device numbers agree. */
	if (read_devnum(dirfd, "dev", &devnum) < 0)
		goto err;
	if (devnum != pen_devnum) {
		errno = ENODEV;
		goto err;
	}

	if (find_numbered(dirfd, "input", input, sizeof(input)) < 0)
		goto err;
	indirfd = openat(dirfd, input, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (indirfd < 0) {
		if (errno == ENOENT)
			errno = ENODEV;
		goto err;
	}
	/* An input device without an event device: evdev is not loaded. */
	if (find_numbered(indirfd, "event", event, sizeof(event)) < 0) {
		if (errno == ENODEV)
			errno = ENXIO;
		goto err;
	}
	snprintf(path, sizeof(path), "%s/dev", event);
	if (read_devnum(indirfd, path, &devnum) < 0)
		goto err;

	snprintf(path, sizeof(path), PEN_DEV_INPUT "/%s", event);
	do {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		goto err;
	/* A stale or hand-made node could be another device. */
	if (fstat(fd, &st) < 0)
		goto err;
	if (!S_ISCHR(st.st_mode) || st.st_rdev != devnum) {
		errno = ENODEV;
		goto err;
	}
	close(indirfd);
	close(dirfd);
	return fd;

err:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (indirfd >= 0)
		close(indirfd);
	close(dirfd);
	errno = saved;
	return -1;
}

/* The keys GET_INFO's flags promise, all on the input device. */
static bool has_promised_keys(struct libevdev *evdev, uint32_t flags)
{
	if ((flags & PEN_INFO_BUTTONS) &&
	    (!libevdev_has_event_code(evdev, EV_KEY, PEN_KEY_MAIN) ||
	     !libevdev_has_event_code(evdev, EV_KEY, PEN_KEY_SPEED_UP) ||
	     !libevdev_has_event_code(evdev, EV_KEY, PEN_KEY_SPEED_DOWN)))
		return false;
	if ((flags & PEN_INFO_FOOTSWITCH) &&
	    !libevdev_has_event_code(evdev, EV_KEY, PEN_KEY_FOOTSWITCH))
		return false;
	return true;
}

PEN_EXPORT struct pen_buttons *pen_buttons_open(struct pen *pen)
{
	struct pen_buttons *b = NULL;
	struct pen_info info;
	struct stat st;
	int fd = -1, ret, saved;

	if (!pen) {
		errno = EINVAL;
		return NULL;
	}
	if (pen_get_info(pen, &info) < 0)
		return NULL;
	/* Flags are zero before API 4: older drivers have no buttons. */
	if (!(info.flags & (PEN_INFO_BUTTONS | PEN_INFO_FOOTSWITCH))) {
		errno = ENOTSUP;
		return NULL;
	}
	/* It becomes part of a path: a driver's odd name must not escape. */
	if (!info.name[0] || strchr(info.name, '/') ||
	    !strcmp(info.name, ".") || !strcmp(info.name, "..")) {
		errno = ENODEV;
		return NULL;
	}
	if (fstat(pen_fd(pen), &st) < 0)
		return NULL;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return NULL;
	}

	fd = open_event_node(info.name, st.st_rdev);
	if (fd < 0)
		return NULL;
	/*
	 * The input device lives as long as the pen. If the pen is still
	 * there now, it was all along, so the device just found is its own
	 * and not a successor's that took over its name and numbers.
	 */
	if (pen_get_info(pen, &info) < 0)
		goto err;

	b = calloc(1, sizeof(*b));
	if (!b)
		goto err;
	b->fd = fd;
	b->evdev = libevdev_new();
	if (!b->evdev) {
		errno = ENOMEM;
		goto err;
	}
	libevdev_set_device_log_function(b->evdev, pen_evdev_quiet,
					 LIBEVDEV_LOG_ERROR, NULL);
	/* Reads the keys' state too: a pedal already held is known. */
	ret = libevdev_set_fd(b->evdev, fd);
	if (ret < 0) {
		errno = -ret;
		goto err;
	}
	/*
	 * evdev stamps events with CLOCK_REALTIME unless told otherwise;
	 * the pen's own timestamps are CLOCK_MONOTONIC. Events queued
	 * before the switch are dropped with a SYN_DROPPED, which the
	 * resync in pen_buttons_read() makes up for.
	 */
	ret = libevdev_set_clock_id(b->evdev, CLOCK_MONOTONIC);
	if (ret < 0) {
		errno = -ret;
		goto err;
	}
	if (!has_promised_keys(b->evdev, info.flags)) {
		errno = EPROTO;
		goto err;
	}
	return b;

err:
	saved = errno;
	if (b)
		libevdev_free(b->evdev);
	free(b);
	close(fd);
	errno = saved;
	return NULL;
}

PEN_EXPORT void pen_buttons_close(struct pen_buttons *buttons)
{
	if (!buttons)
		return;
	libevdev_free(buttons->evdev);
	pen_release(buttons->fd, buttons);
}

PEN_EXPORT int pen_buttons_fd(const struct pen_buttons *buttons)
{
	if (!buttons)
		return pen_fail(EINVAL);
	return buttons->fd;
}

PEN_EXPORT int pen_buttons_has(const struct pen_buttons *buttons,
			       unsigned int key)
{
	if (!buttons || !pen_key_valid(key))
		return pen_fail(EINVAL);
	return libevdev_has_event_code(buttons->evdev, EV_KEY, key) ? 1 : 0;
}

PEN_EXPORT int pen_buttons_is_pressed(const struct pen_buttons *buttons,
				      unsigned int key)
{
	int value;

	if (!buttons || !pen_key_valid(key))
		return pen_fail(EINVAL);
	/* A button the pen lacks is not "released": it is not there. */
	if (!libevdev_fetch_event_value(buttons->evdev, EV_KEY, key, &value))
		return pen_fail(ENOTSUP);
	return value ? 1 : 0;
}

PEN_EXPORT int pen_buttons_wait(struct pen_buttons *buttons,
				int64_t timeout_ns)
{
	int ret;

	if (!buttons)
		return pen_fail(EINVAL);
	/* After an overflow record, the resync is still to be read. */
	if (buttons->syncing)
		return 1;
	/*
	 * libevdev reads ahead: events already in its queue leave the
	 * descriptor quiet. A hung-up device counts as pending too, and so
	 * does a closed descriptor (POLLNVAL), which is an error here.
	 */
	ret = libevdev_has_event_pending(buttons->evdev);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	if (ret > 0)
		return pen_poll_fd(buttons->fd, 0) < 0 && errno == EBADF ?
		       -1 : 1;
	/* As pen_wait_events(): a hangup is "ready", so the read learns it. */
	return pen_poll_fd(buttons->fd, timeout_ns);
}

static void fill_event(struct pen_button_event *ev,
		       const struct input_event *ie, uint32_t key,
		       uint32_t pressed, uint32_t flags)
{
	memset(ev, 0, sizeof(*ev));
	ev->key = key;
	ev->pressed = pressed;
	ev->flags = flags;
	ev->timestamp_ns = (uint64_t)ie->input_event_sec * NSEC_PER_SEC +
			   (uint64_t)ie->input_event_usec * NSEC_PER_USEC;
}

PEN_EXPORT int pen_buttons_read(struct pen_buttons *buttons,
				struct pen_button_event *ev)
{
	struct input_event ie;
	unsigned int flags;
	int ret;

	if (!buttons || !ev)
		return pen_fail(EINVAL);
	/*
	 * Each round takes one input event; only a key of the pen makes a
	 * button event. The loop ends when the queue is empty (-EAGAIN),
	 * since every round consumes an event.
	 */
	for (;;) {
		flags = buttons->syncing ? LIBEVDEV_READ_FLAG_SYNC :
					   LIBEVDEV_READ_FLAG_NORMAL;
		ret = libevdev_next_event(buttons->evdev, flags, &ie);
		if (ret == -EAGAIN) {
			if (!buttons->syncing)
				return 0;
			/* The resync is done: back to the live events. */
			buttons->syncing = false;
			continue;
		}
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		if (ret == LIBEVDEV_READ_STATUS_SYNC && !buttons->syncing) {
			/*
			 * SYN_DROPPED: the kernel's buffer overflowed. Said
			 * as such, never silently; then libevdev compares
			 * the keys' state with the kernel's and hands out
			 * the changes, so that no state is lost.
			 */
			buttons->syncing = true;
			fill_event(ev, &ie, 0, 0, PEN_BUTTON_EVENT_OVERFLOW);
			return 1;
		}
		/* Autorepeat (2) never comes: the device has no EV_REP. */
		if (ie.type != EV_KEY || !pen_key_valid(ie.code) ||
		    (ie.value != 0 && ie.value != 1))
			continue;

		fill_event(ev, &ie, ie.code, ie.value, buttons->syncing ?
			   PEN_BUTTON_EVENT_RESYNC : 0);
		return 1;
	}
}
