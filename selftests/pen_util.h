/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the pen selftests: simulated pens on the pen_sim bus, their
 * /dev/penN node, and the record each one keeps of what its needle did.
 * They return -errno (or -1 with errno) so tests can assert on them.
 */
#ifndef PEN_UTIL_H
#define PEN_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/pen.h>

#define SIM_BUS		"/sys/bus/pen_sim"
#define SIM_DEBUGFS	"/sys/kernel/debug/pen_sim"

struct sim_stroke {
	uint64_t seq;
	uint64_t cmd_ns;
	uint64_t reach_ns;
	uint32_t cmd_um;
	uint32_t reached_um;
};

static inline int sim_write(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* Create simulated pen @id with "key=value ..." @opts (or NULL). */
static inline int sim_create(unsigned int id, const char *opts)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%u %s", id, opts ? opts : "");
	return sim_write(SIM_BUS "/new_device", buf);
}

static inline int sim_delete(unsigned int id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u", id);
	return sim_write(SIM_BUS "/del_device", buf);
}

/* N of the /dev/penN that simulated pen @id registered, or -errno. */
static inline int sim_pen_index(unsigned int id)
{
	char path[128];
	struct dirent *d;
	DIR *dir;
	int n = -ENOENT;

	snprintf(path, sizeof(path), SIM_BUS "/devices/pen_sim%u/pen", id);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		if (sscanf(d->d_name, "pen%d", &n) == 1)
			break;
	closedir(dir);
	return n;
}

static inline int sim_open(unsigned int id, int flags)
{
	char path[64];
	int n = sim_pen_index(id);

	if (n < 0) {
		errno = -n;
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/pen%d", n);
	return open(path, flags | O_CLOEXEC);
}

/* A numeric "key value" line of the instance's debugfs state file. */
static inline long long sim_state(unsigned int id, const char *key)
{
	char path[128], k[64], v[64];
	long long ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%u/state", id);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %63s", k, v) == 2) {
		if (strcmp(k, key))
			continue;
		if (!strcmp(v, "on"))
			ret = 1;
		else if (!strcmp(v, "off"))
			ret = 0;
		else
			ret = strtoll(v, NULL, 10);
		break;
	}
	fclose(f);
	return ret;
}

/* Read the stroke record; *out is malloc()ed. Returns the count or -errno. */
static inline long sim_strokes(unsigned int id, struct sim_stroke **out)
{
	struct sim_stroke *rec = NULL, *grown, s;
	size_t n = 0, cap = 0;
	char path[128], line[256];
	FILE *f;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%u/strokes", id);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu32 " %" SCNu32, &s.seq, &s.cmd_ns,
			   &s.reach_ns, &s.cmd_um, &s.reached_um) != 5)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(rec, cap * sizeof(*rec));
			if (!grown) {
				free(rec);
				fclose(f);
				return -ENOMEM;
			}
			rec = grown;
		}
		rec[n++] = s;
	}
	fclose(f);
	*out = rec;
	return n;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000ULL, ns % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Send one command to simulated pen @id's fault injection file. */
static inline int sim_inject(unsigned int id, const char *cmd)
{
	char path[128];

	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%u/inject", id);
	return sim_write(path, cmd);
}

static inline int pen_params_set(int fd, uint32_t mask, uint32_t depth_um,
				 uint32_t rate_mhz)
{
	struct pen_params p = {
		.mask = mask, .depth_um = depth_um, .rate_mhz = rate_mhz,
	};

	return ioctl(fd, PEN_IOC_SET_PARAMS, &p);
}

static inline struct pen_status pen_status_of(int fd)
{
	struct pen_status st;

	memset(&st, 0xff, sizeof(st));
	if (ioctl(fd, PEN_IOC_GET_STATUS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* Wait up to @max_ms for the needle to stop by itself; its last status. */
static inline struct pen_status pen_wait_stopped(int fd, unsigned int max_ms)
{
	struct pen_status st = pen_status_of(fd);
	unsigned int waited;

	for (waited = 0; st.state == PEN_STATE_RUNNING && waited < max_ms;
	     waited += 10) {
		sleep_ns(10000000);
		st = pen_status_of(fd);
	}
	return st;
}

/*
 * Print how long after its cause the drive went off, for the record in
 * the test log (docs/safety.md); the tests assert the bounds themselves.
 */
static inline void report_drive_off(const char *path, long long cause_ns,
				    long long off_ns, long long period_ns)
{
	printf("# drive-off delay, %s: %lld us, %.2f stroke periods\n", path,
	       (off_ns - cause_ns) / 1000, (double)(off_ns - cause_ns) / period_ns);
}

/*
 * The event stream: read() on any open file of /dev/penN returns whole
 * struct pen_event records. A growing array of them, for the tests.
 */
#include <poll.h>
#include <stddef.h>

struct pen_events {
	struct pen_event *ev;
	size_t n;
	size_t cap;
};

static inline int pen_events_add(struct pen_events *e,
				 const struct pen_event *ev, size_t n)
{
	struct pen_event *grown;
	size_t cap = e->cap ? e->cap : 1024;

	while (cap < e->n + n)
		cap *= 2;
	if (cap != e->cap) {
		grown = realloc(e->ev, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		e->ev = grown;
		e->cap = cap;
	}
	memcpy(e->ev + e->n, ev, n * sizeof(*ev));
	e->n += n;
	return 0;
}

static inline void pen_events_free(struct pen_events *e)
{
	free(e->ev);
	memset(e, 0, sizeof(*e));
}

/*
 * One read() of up to @max records from @fd (blocking unless the file is
 * O_NONBLOCK), appended to @e: the number of records, or -errno. A read
 * that returns part of a record is -EPROTO.
 */
static inline long pen_events_read(int fd, struct pen_events *e, size_t max)
{
	struct pen_event *buf = calloc(max, sizeof(*buf));
	ssize_t n;
	long ret;

	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, max * sizeof(*buf));
	if (n < 0)
		ret = -errno;
	else if (n % sizeof(*buf))
		ret = -EPROTO;
	else if (pen_events_add(e, buf, n / sizeof(*buf)))
		ret = -ENOMEM;
	else
		ret = n / sizeof(*buf);
	free(buf);
	return ret;
}

/*
 * Everything @fd has buffered now, without blocking (poll() says when to
 * stop), appended to @e: 0 once empty, or -errno of a failed read
 * (-ENODEV once the pen is gone and the file drained).
 */
static inline int pen_events_drain(int fd, struct pen_events *e)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long n;

	for (;;) {
		p.revents = 0;
		n = poll(&p, 1, 0);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		n = pen_events_read(fd, e, 256);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return n;
	}
}

static inline size_t pen_events_count(const struct pen_events *e,
				      uint32_t type)
{
	size_t i, n = 0;

	for (i = 0; i < e->n; i++)
		n += e->ev[i].type == type;
	return n;
}

/*
 * True if the bytes of @ev's union that its type leaves unused, and the
 * flags its type does not define, are zero; false for an unknown type.
 */
static inline int pen_event_unused_zero(const struct pen_event *ev)
{
	size_t used, i;	/* bytes of the union the type uses */
	uint32_t flags = 0;

	switch (ev->type) {
	case PEN_EVENT_STROKE:
		used = offsetof(struct pen_event_stroke, reserved);
		flags = PEN_STROKE_MEASURED;
		break;
	case PEN_EVENT_STATE:
		used = offsetof(struct pen_event_state, reserved);
		break;
	case PEN_EVENT_SETPOINT:
		used = offsetof(struct pen_event_setpoint, reserved0);
		break;
	case PEN_EVENT_FAULT:
		used = offsetof(struct pen_event_fault, reserved);
		flags = PEN_FAULT_LATCHED;
		break;
	case PEN_EVENT_FAULT_CLEARED:
		used = offsetof(struct pen_event_fault, reserved);
		break;
	case PEN_EVENT_CARTRIDGE:
		used = offsetof(struct pen_event_cartridge, reserved);
		break;
	case PEN_EVENT_OVERFLOW:
		used = offsetof(struct pen_event_overflow, reserved);
		break;
	default:
		return 0;
	}
	if (ev->flags & ~flags)
		return 0;
	for (i = used; i < sizeof(ev->raw); i++)
		if (((const unsigned char *)ev->raw)[i])
			return 0;
	return 1;
}

static inline const char *pen_event_name(uint32_t type)
{
	static const char * const names[] = {
		[PEN_EVENT_STROKE] = "STROKE",
		[PEN_EVENT_STATE] = "STATE",
		[PEN_EVENT_SETPOINT] = "SETPOINT",
		[PEN_EVENT_FAULT] = "FAULT",
		[PEN_EVENT_FAULT_CLEARED] = "FAULT_CLEARED",
		[PEN_EVENT_CARTRIDGE] = "CARTRIDGE",
		[PEN_EVENT_OVERFLOW] = "OVERFLOW",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

/*
 * A pen's buttons are an input device, a child of its class device:
 * /sys/class/pen/penN/inputM, with evdev's node as its child in turn,
 * .../inputM/eventK for /dev/input/eventK.
 */
#include <ctype.h>

/*
 * Entries of directory @dir named @prefix followed by a number: how many
 * there are (the first one's name in @name), or -errno (-ENAMETOOLONG if
 * @name is too small for it).
 */
static inline int sysfs_numbered(const char *dir, const char *prefix,
				 char *name, size_t len)
{
	size_t plen = strlen(prefix);
	const char *num;
	struct dirent *d;
	DIR *dh;
	int n = 0, fit = 1;

	dh = opendir(dir);
	if (!dh)
		return -errno;
	while ((d = readdir(dh))) {
		num = d->d_name + plen;
		if (strncmp(d->d_name, prefix, plen) ||
		    !isdigit((unsigned char)*num) ||
		    num[strspn(num, "0123456789")])
			continue;
		if (!n++)
			fit = snprintf(name, len, "%s", d->d_name) < (int)len;
	}
	closedir(dh);
	return fit ? n : -ENAMETOOLONG;
}

/*
 * Input devices of simulated pen @id: how many (1 for a pen with buttons,
 * 0 without), the first one's sysfs directory in @dir; or -errno.
 */
static inline int sim_input_dir(unsigned int id, char *dir, size_t len)
{
	char cls[64], name[64];
	int pen = sim_pen_index(id), n;

	if (pen < 0)
		return pen;
	snprintf(cls, sizeof(cls), "/sys/class/pen/pen%d", pen);
	n = sysfs_numbered(cls, "input", name, sizeof(name));
	if (n > 0 && snprintf(dir, len, "%s/%s", cls, name) >= (int)len)
		return -ENAMETOOLONG;
	return n;
}

/*
 * Event nodes of the input device at sysfs @dir: how many (1 with evdev),
 * the first one's /dev/input/eventK in @node; or -errno.
 */
static inline int input_event_node(const char *dir, char *node, size_t len)
{
	char name[64];
	int n = sysfs_numbered(dir, "event", name, sizeof(name));

	if (n > 0 && snprintf(node, len, "/dev/input/%s", name) >= (int)len)
		return -ENAMETOOLONG;
	return n;
}

#endif /* PEN_UTIL_H */
