/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the pen selftests: simulated pens on the pen_sim bus (from
 * sim_util.c, which pen_bench shares), their /dev/penN node, and the
 * record each one keeps of what its needle did. They return -errno (or
 * -1 with errno) so tests can assert on them.
 *
 * The pens are pen_sim's unless PEN_BACKEND=testbench names the platform
 * backend on its test bench (docs/testbench.md). Tests skip what only the
 * simulator can do (pen_backend_is_sim()).
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

/* The simulated pens: the bus, debugfs, records and injection. */
#include "sim_util.h"

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
 * Wait up to @max_ms for the run to have made @n strokes; its last status.
 * Without -icount a guest's CPU may be held back by the host for a long
 * while: tests that need strokes wait for them rather than for a time.
 */
static inline struct pen_status pen_wait_run_strokes(int fd, uint64_t n,
						     unsigned int max_ms)
{
	struct pen_status st = pen_status_of(fd);
	unsigned int waited;

	for (waited = 0; st.state == PEN_STATE_RUNNING && st.run_strokes < n &&
	     waited < max_ms; waited++) {
		sleep_ns(1000000);
		st = pen_status_of(fd);
	}
	return st;
}

/* Wait up to @max_ms for simulated pen @id's drive to be off: 0 or -ETIMEDOUT. */
static inline int sim_wait_drive_off(unsigned int id, unsigned int max_ms)
{
	unsigned int waited;

	for (waited = 0; sim_state(id, "drive") != 0; waited++) {
		if (waited >= max_ms)
			return -ETIMEDOUT;
		sleep_ns(1000000);
	}
	return 0;
}

/*
 * The core's account of pen @pen's deferred cuts (debugfs pen/penN/cuts):
 * the drive cuts of a sleeping backend that a stop made under the
 * spinlock left to the stroke thread.
 */
struct pen_cuts {
	long long deferred;	/* asked for since registration */
	long long pending;	/* 1 while one is not made yet */
	long long longest_call_ns;	/* the longest stroke() call */
	long long max_delay_ns;	/* the longest a made one waited */
};

/* 0, or -errno; fields the file lacks stay -1. */
static inline int pen_cuts_of(int pen, struct pen_cuts *c)
{
	FILE *f = pen_debugfs_open(pen, "cuts");
	long long lo, mean;
	char line[160];

	memset(c, 0xff, sizeof(*c));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "deferred: %lld", &c->deferred);
		sscanf(line, "pending: %lld", &c->pending);
		sscanf(line, "longest_call_ns: %lld", &c->longest_call_ns);
		sscanf(line, "delay_ns: min %lld mean %lld max %lld", &lo, &mean,
		       &c->max_delay_ns);
	}
	fclose(f);
	return 0;
}

#define PEN_PARAM_DIR	"/sys/module/pen/parameters/"

/* Set pen.ko's parameter @name to @value, keeping the old one in @old. */
static inline int pen_param_swap(const char *name, const char *value,
				 char *old, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PEN_PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, old, len - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	old[n] = '\0';
	return sim_write(path, value);
}

/* Put back what pen_param_swap() changed. */
static inline int pen_param_restore(const char *name, const char *old)
{
	char path[128];

	snprintf(path, sizeof(path), PEN_PARAM_DIR "%s", name);
	return sim_write(path, old);
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
	/* Each type: the bytes of the union it uses, the flags it may set. */
	static const struct {
		uint32_t type;
		size_t used;
		uint32_t flags;
	} types[] = {
		{ PEN_EVENT_STROKE, offsetof(struct pen_event_stroke, reserved),
		  PEN_STROKE_MEASURED },
		{ PEN_EVENT_STATE, offsetof(struct pen_event_state, reserved),
		  0 },
		{ PEN_EVENT_SETPOINT,
		  offsetof(struct pen_event_setpoint, reserved0), 0 },
		{ PEN_EVENT_FAULT, offsetof(struct pen_event_fault, reserved),
		  PEN_FAULT_LATCHED },
		{ PEN_EVENT_FAULT_CLEARED,
		  offsetof(struct pen_event_fault, reserved), 0 },
		{ PEN_EVENT_CARTRIDGE,
		  offsetof(struct pen_event_cartridge, reserved), 0 },
		{ PEN_EVENT_OVERFLOW,
		  offsetof(struct pen_event_overflow, reserved), 0 },
	};
	const size_t n = sizeof(types) / sizeof(types[0]);
	size_t used, i;
	uint32_t flags;

	for (i = 0; i < n && types[i].type != ev->type; i++)
		;
	if (i == n)
		return 0;
	used = types[i].used;
	flags = types[i].flags;
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

/*
 * Reliability tests (issue 8): the needle's limits checked against what
 * it did. A monitor thread keeps every stroke record of the event stream
 * (it must see them all: it runs at a real-time priority and the test
 * fails if its ring ever overflowed), and pen_check_strokes() holds them
 * and the simulated pen's own record to the pen's limits.
 */
#include <pthread.h>
#include <sched.h>

/* One stroke as the event stream reported it. */
struct pen_obs_stroke {
	uint64_t seq;
	uint64_t issued_ns;	/* the record's timestamp_ns */
	uint64_t ideal_ns;	/* issued_ns - lateness_ns: its place on the schedule */
	uint32_t cmd_um;
	uint32_t rate_mhz;
	uint32_t run_start;	/* the first stroke after a START */
};

/* A stop as the event stream reported it. */
struct pen_obs_stop {
	uint64_t ns;		/* the record's timestamp_ns: when it was decided */
	uint32_t reason;
};

struct pen_monitor {
	int fd;			/* read-only, O_NONBLOCK */
	pthread_t thread;
	int stop;		/* __atomic */
	int start_pending;
	struct pen_obs_stroke *s;
	size_t n, cap;
	struct pen_obs_stop *stops;
	size_t nstops, stops_cap;
	uint64_t events;	/* records read */
	uint64_t lost;		/* events lost, from overflow records */
	int err;		/* -errno of a failed read, other than ENODEV */
};

/* Read what is buffered; 0 when empty, 1 once the pen is gone, -errno. */
static inline int pen_monitor_drain(struct pen_monitor *m)
{
	struct pen_event ev[256];
	struct pen_obs_stroke *grown;
	ssize_t n;
	size_t i;

	for (;;) {
		n = read(m->fd, ev, sizeof(ev));
		if (n < 0)
			return errno == EAGAIN ? 0 : errno == ENODEV ? 1 : -errno;
		for (i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			const struct pen_event *e = &ev[i];

			m->events++;
			if (e->type == PEN_EVENT_OVERFLOW)
				m->lost += e->overflow.lost;
			if (e->type == PEN_EVENT_STATE &&
			    e->state.state == PEN_STATE_RUNNING)
				m->start_pending = 1;
			if (e->type == PEN_EVENT_STATE &&
			    e->state.state == PEN_STATE_STOPPED) {
				if (m->nstops == m->stops_cap) {
					struct pen_obs_stop *more;

					m->stops_cap = m->stops_cap ?
						       m->stops_cap * 2 : 256;
					more = realloc(m->stops, m->stops_cap *
						       sizeof(*more));
					if (!more)
						return -ENOMEM;
					m->stops = more;
				}
				m->stops[m->nstops].ns = e->timestamp_ns;
				m->stops[m->nstops].reason = e->state.stop_reason;
				m->nstops++;
			}
			if (e->type != PEN_EVENT_STROKE)
				continue;
			if (m->n == m->cap) {
				m->cap = m->cap ? m->cap * 2 : 4096;
				grown = realloc(m->s, m->cap * sizeof(*grown));
				if (!grown)
					return -ENOMEM;
				m->s = grown;
			}
			m->s[m->n].seq = e->seq;
			m->s[m->n].issued_ns = e->timestamp_ns;
			m->s[m->n].ideal_ns = e->timestamp_ns - e->stroke.lateness_ns;
			m->s[m->n].cmd_um = e->stroke.cmd_um;
			m->s[m->n].rate_mhz = e->stroke.rate_mhz;
			m->s[m->n].run_start = m->start_pending;
			m->start_pending = 0;
			m->n++;
		}
	}
}

static inline void *pen_monitor_fn(void *arg)
{
	struct pen_monitor *m = arg;
	struct sched_param sp = { .sched_priority = 50 };
	int stopping, ret;

	/* Ahead of whatever floods the pen, so its ring never fills. */
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	for (;;) {
		stopping = __atomic_load_n(&m->stop, __ATOMIC_ACQUIRE);
		ret = pen_monitor_drain(m);
		if (ret < 0)
			m->err = ret;
		if (ret || stopping)
			break;
		sleep_ns(5000000);
	}
	return NULL;
}

/* Watch simulated pen @id's strokes from now on: 0 or -errno. */
static inline int pen_monitor_start(struct pen_monitor *m, unsigned int id)
{
	memset(m, 0, sizeof(*m));
	m->fd = sim_open(id, O_RDONLY | O_NONBLOCK);
	if (m->fd < 0)
		return -errno;
	if (pthread_create(&m->thread, NULL, pen_monitor_fn, m)) {
		close(m->fd);
		return -EAGAIN;
	}
	return 0;
}

/* Read the rest and stop; the records stay in @m until pen_monitor_free(). */
static inline int pen_monitor_stop(struct pen_monitor *m)
{
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->thread, NULL);
	close(m->fd);
	return m->err;
}

static inline void pen_monitor_free(struct pen_monitor *m)
{
	free(m->s);
	m->s = NULL;
	free(m->stops);
	m->stops = NULL;
}

/* The limits a pen's needle must keep. */
struct pen_limits {
	uint32_t depth_min_um, depth_max_um, depth_step_um, depth_cap_um;
	uint32_t rate_min_mhz, rate_max_mhz;
};

/* The stroke period of a rate, as the core rounds it. */
static inline uint64_t pen_period_ns(uint32_t rate_mhz)
{
	return (1000000000000ULL + rate_mhz / 2) / rate_mhz;
}

/* What pen_check_strokes() found, for the test log. */
struct pen_stroke_check {
	long strokes;		/* in the sim record */
	long runs;		/* starts seen among them */
	uint64_t min_ideal_gap_ns;	/* closest two strokes on the schedule */
	uint64_t min_sim_gap_ns;	/* closest two in the sim's record */
	uint32_t min_um, max_um;	/* depths commanded */
};

#define PEN_CHECK_LOG	10

/*
 * Every stroke the simulated pen made (@rec, @nrec, in full: the record
 * dropped none) against the limits and the event stream @m saw: each
 * commanded depth on the grid, within the pen's range and at most the
 * depth cap; the stream and the record the same strokes with the same
 * depths; each stroke's ideal time on the absolute schedule (its time less
 * its lateness) at least the fastest rate's period after the one before,
 * across a STOP and START too (there, after the one before was issued),
 * and no stroke reaching the hardware before its ideal time. So the
 * needle never stroked deeper or faster than allowed; lateness only ever
 * delays a stroke, which the schedule then makes up by the next one's
 * being on time. Returns the number of violations, printing the first
 * PEN_CHECK_LOG.
 */
static inline long pen_check_strokes(const struct pen_monitor *m,
				     const struct sim_stroke *rec, long nrec,
				     const struct pen_limits *lim,
				     struct pen_stroke_check *out)
{
	uint64_t pmin = pen_period_ns(lim->rate_max_mhz), gap;
	const struct pen_obs_stroke *o, *prev;
	long nbad = 0, i;

#define PEN_CHECK_FAIL(...)						\
	do {								\
		if (nbad++ < PEN_CHECK_LOG)				\
			printf("# stroke check: " __VA_ARGS__);		\
	} while (0)

	memset(out, 0, sizeof(*out));
	out->strokes = nrec;
	out->min_ideal_gap_ns = UINT64_MAX;
	out->min_sim_gap_ns = UINT64_MAX;
	out->min_um = UINT32_MAX;
	if ((size_t)nrec != m->n)
		PEN_CHECK_FAIL("%ld strokes in the sim record, %zu on the event stream\n",
			       nrec, m->n);
	for (i = 0; i < nrec; i++) {
		const struct sim_stroke *r = &rec[i];

		if (r->cmd_um < out->min_um)
			out->min_um = r->cmd_um;
		if (r->cmd_um > out->max_um)
			out->max_um = r->cmd_um;
		if (r->cmd_um < lim->depth_min_um || r->cmd_um > lim->depth_max_um ||
		    r->cmd_um > lim->depth_cap_um ||
		    (r->cmd_um - lim->depth_min_um) % lim->depth_step_um)
			PEN_CHECK_FAIL("stroke %" PRIu64 " to %u um: outside %u-%u um (cap %u, step %u)\n",
				       r->seq, r->cmd_um, lim->depth_min_um,
				       lim->depth_max_um, lim->depth_cap_um,
				       lim->depth_step_um);
		if (i && r->seq != rec[i - 1].seq + 1)
			PEN_CHECK_FAIL("sim record: stroke %" PRIu64 " after %" PRIu64 "\n",
				       r->seq, rec[i - 1].seq);
		if (i && r->cmd_ns - rec[i - 1].cmd_ns < out->min_sim_gap_ns)
			out->min_sim_gap_ns = r->cmd_ns - rec[i - 1].cmd_ns;
		if ((size_t)i >= m->n)
			continue;
		o = &m->s[i];
		if (o->seq != r->seq || o->cmd_um != r->cmd_um) {
			PEN_CHECK_FAIL("stroke %" PRIu64 " to %u um in the sim record, stroke %" PRIu64 " to %u um on the stream\n",
				       r->seq, r->cmd_um, o->seq, o->cmd_um);
			continue;
		}
		if (o->rate_mhz < lim->rate_min_mhz || o->rate_mhz > lim->rate_max_mhz)
			PEN_CHECK_FAIL("stroke %" PRIu64 " at %u mHz: outside %u-%u mHz\n",
				       o->seq, o->rate_mhz, lim->rate_min_mhz,
				       lim->rate_max_mhz);
		if (r->cmd_ns < o->ideal_ns)
			PEN_CHECK_FAIL("stroke %" PRIu64 " reached the hardware at %" PRIu64 ", before its time %" PRIu64 "\n",
				       o->seq, r->cmd_ns, o->ideal_ns);
		out->runs += o->run_start;
		if (!i)
			continue;
		prev = &m->s[i - 1];
		if (o->ideal_ns < prev->ideal_ns + pmin) {
			PEN_CHECK_FAIL("stroke %" PRIu64 " due %" PRId64 " ns after stroke %" PRIu64 ": under the fastest period, %" PRIu64 " ns\n",
				       o->seq, (int64_t)(o->ideal_ns - prev->ideal_ns),
				       prev->seq, pmin);
		} else if (o->run_start && o->ideal_ns < prev->issued_ns + pmin) {
			PEN_CHECK_FAIL("stroke %" PRIu64 ", the first of a run, due %" PRId64 " ns after stroke %" PRIu64 " was issued: under the fastest period, %" PRIu64 " ns\n",
				       o->seq, (int64_t)(o->ideal_ns - prev->issued_ns),
				       prev->seq, pmin);
		}
		gap = o->ideal_ns - prev->ideal_ns;
		if (o->ideal_ns > prev->ideal_ns && gap < out->min_ideal_gap_ns)
			out->min_ideal_gap_ns = gap;
	}
#undef PEN_CHECK_FAIL
	return nbad;
}

/* What pen_check_cuts() found, for the test log. */
struct pen_cut_check {
	long stops;		/* on the event stream */
	long late;		/* of them, with the drive on after the stop */
	uint64_t max_ns;	/* the longest it stayed on after one */
	uint32_t max_reason;	/* that stop's reason */
};

/*
 * Every stop the event stream @m saw against the simulated drive's own
 * record @spans (in full: none dropped; in the order powered): the drive
 * must have gone off after each, and how long it stayed on is measured,
 * from the stop (its record's time, when the core decided it) to the cut.
 * Returns the stops after which the drive is still on, printing the first
 * PEN_CHECK_LOG.
 */
static inline long pen_check_cuts(const struct pen_monitor *m,
				  const struct sim_span *spans, long nspans,
				  struct pen_cut_check *out)
{
	long nbad = 0, lo, hi, mid;
	const struct sim_span *sp;
	uint64_t t, on_ns;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < m->nstops; i++) {
		t = m->stops[i].ns;
		out->stops++;
		/* The last span powered at or before the stop. */
		for (lo = 0, hi = nspans; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (spans[mid].on_ns <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo)
			continue;
		sp = &spans[lo - 1];
		if (!sp->off_ns) {
			if (nbad++ < PEN_CHECK_LOG)
				printf("# cut check: stop at %" PRIu64 " (reason %u): the drive, on since %" PRIu64 ", never went off\n",
				       t, m->stops[i].reason, sp->on_ns);
			continue;
		}
		if (sp->off_ns <= t)
			continue;
		out->late++;
		on_ns = sp->off_ns - t;
		if (on_ns > out->max_ns) {
			out->max_ns = on_ns;
			out->max_reason = m->stops[i].reason;
		}
	}
	return nbad;
}

/* Write @value to attribute @attr of simulated pen @id's class device. */
static inline int sim_pen_attr_write(unsigned int id, const char *attr,
				     const char *value)
{
	char path[128];
	int n = sim_pen_index(id);

	if (n < 0)
		return n;
	snprintf(path, sizeof(path), "/sys/class/pen/pen%d/%s", n, attr);
	return sim_write(path, value);
}

/* File @path into @buf (at most @len - 1 bytes, then a NUL): 0 or -errno. */
static inline int pen_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = read(fd, buf, len - 1);
	close(fd);
	if (got < 0)
		return -errno;
	buf[got] = '\0';
	return 0;
}

/* Attribute @attr of simulated pen @id's class device into @buf, or -errno. */
static inline int sim_pen_attr_read(unsigned int id, const char *attr,
				    char *buf, size_t len)
{
	char path[128];
	int n = sim_pen_index(id);

	if (n < 0)
		return n;
	snprintf(path, sizeof(path), "/sys/class/pen/pen%d/%s", n, attr);
	return pen_read_file(path, buf, len);
}

#include <linux/capability.h>
#include <sys/syscall.h>

/*
 * This process without CAP_SYS_ADMIN, still root otherwise (so sysfs's
 * file modes let it write): what an administrator's limits are tested
 * against. For a child: it cannot be got back.
 */
static inline int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int i = CAP_SYS_ADMIN / 32, bit = 1U << (CAP_SYS_ADMIN % 32);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	return syscall(SYS_capset, &hdr, data);
}

/* Entries of directory @dir whose names start with @prefix, or -errno. */
static inline int dir_count(const char *dir, const char *prefix)
{
	struct dirent *d;
	DIR *dh;
	int n = 0;

	dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dh)))
		n += !strncmp(d->d_name, prefix, strlen(prefix)) &&
		     strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	closedir(dh);
	return n;
}

/*
 * The /dev/penN nodes, counted: not udev's /dev/pen directory of
 * by-serial links, which an installed system has.
 */
static inline int dev_pen_count(void)
{
	struct dirent *d;
	unsigned int n;
	DIR *dh;
	int count = 0;
	char c;

	dh = opendir("/dev");
	if (!dh)
		return -errno;
	while ((d = readdir(dh)))
		count += sscanf(d->d_name, "pen%u%c", &n, &c) == 1;
	closedir(dh);
	return count;
}

/*
 * Everything pens leave in sysfs, /dev and debugfs, counted: what a
 * removed pen or a failed creation must not leave behind.
 */
struct pen_traces {
	int pens;		/* /sys/class/pen/pen* */
	int sims;		/* /sys/bus/pen_sim/devices/pen_sim* */
	int devs;		/* /dev/pen* */
	int debugfs;		/* /sys/kernel/debug/pen/pen* */
	int sim_debugfs;	/* /sys/kernel/debug/pen_sim/pen_sim* */
	int inputs;		/* /sys/class/input/input* */
};

static inline struct pen_traces pen_traces_now(void)
{
	char devices[128];
	struct pen_traces t = {
		.pens = dir_count("/sys/class/pen", "pen"),
		.sims = dir_count(sim_bus_file(devices, sizeof(devices), "devices"),
				  SIM_PREFIX),
		.devs = dev_pen_count(),
		.debugfs = dir_count("/sys/kernel/debug/pen", "pen"),
		.sim_debugfs = dir_count(SIM_DEBUGFS, SIM_PREFIX),
		.inputs = dir_count("/sys/class/input", "input"),
	};

	return t;
}

static inline int pen_traces_equal(const struct pen_traces *a,
				   const struct pen_traces *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline void pen_traces_print(const char *what,
				    const struct pen_traces *t)
{
	printf("# %s: %d pens, %d instances, %d nodes, %d pen debugfs, %d pen_sim debugfs, %d input devices\n",
	       what, t->pens, t->sims, t->devs, t->debugfs, t->sim_debugfs,
	       t->inputs);
}

/*
 * Does simulated pen @id run on the core's stroke thread? pen_sim's with
 * threaded=1; the test bench's unless its PWM never sleeps and its GPIO
 * does not either, which pen_vcm drives from the hard-irq timer, except
 * on PREEMPT_RT. On the thread a stop the core decides in a report
 * callback cuts the drive a thread wake-up later, not at once.
 */
static inline int pen_on_stroke_thread(unsigned int id)
{
	if (pen_backend_is_sim())
		return sim_state(id, "threaded") == 1;
	return sim_state(id, "pwm_atomic") != 1 ||
	       sim_state(id, "gpio_can_sleep") != 0 || pen_kernel_is_rt();
}

/*
 * Before any test of the program: the pens under test are there
 * (pen_sim_ensure(): pen_sim loaded, by modprobe on an installed
 * system) and no other pen is. If not, the whole program is one skip,
 * as kselftest's runner counts it (exit KSFT_SKIP, 4). It runs before
 * the harness's own constructors; hw_test's, which picks the test
 * bench, runs before it (priority 101).
 */
__attribute__((constructor(200))) static void pen_selftest_ready(void)
{
	const char *why = pen_sim_ensure();

	if (!why)
		return;
	printf("TAP version 13\n1..0 # SKIP %s\n", why);
	exit(4);
}

#endif /* PEN_UTIL_H */
