// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench's simulated pens (pen_sim's bus files, and its debugfs state,
 * stroke record and fault injection), and the pen's own interface on
 * them: the ioctls of /dev/penN and read() of its event stream.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

/* Our pens: ids well clear of the selftests' and of pen_sim0. */
#define SIM_ID_BASE	7000U

/*
 * ---- the simulated pen ------------------------------------------------
 * selftests/sim_util.c drives it; these add pen_bench's ids and say what
 * failed.
 */

static unsigned int next_sim_id = SIM_ID_BASE;

/* A new simulated pen with "key=value ..." @opts: its id, or -errno. */
int bench_sim_create(const char *opts)
{
	unsigned int id = next_sim_id++;
	int err;

	err = sim_create(id, opts);
	if (err) {
		bench_error("creating simulated pen %u \"%s\": %s", id, opts,
			    strerror(-err));
		return err;
	}
	return id;
}

void bench_sim_delete(int id)
{
	int err = sim_delete(id);

	if (err)
		bench_error("deleting simulated pen %d: %s", id, strerror(-err));
}

/* Open the /dev/penN of simulated pen @id. */
int bench_sim_open(int id, int flags)
{
	int fd = sim_open(id, flags);

	if (fd < 0)
		bench_error("opening simulated pen %d's device: %s", id,
			    strerror(errno));
	return fd;
}

/* A number from simulated pen @id's debugfs state; -1 on error. */
int64_t bench_sim_state(int id, const char *key)
{
	long long v = sim_state(id, key);

	if (v < 0) {
		bench_error("simulated pen %d's state \"%s\": %s", id, key,
			    strerror(-v));
		return -1;
	}
	return v;
}

/* Simulated pen @id's stroke record, malloc()ed: its length, or -1. */
long bench_sim_strokes(int id, struct sim_stroke **out)
{
	long n = sim_strokes(id, out);

	if (n < 0) {
		bench_error("simulated pen %d's stroke record: %s", id,
			    strerror(-n));
		return -1;
	}
	return n;
}

int bench_sim_inject(int id, const char *cmd)
{
	int err = sim_inject(id, cmd);

	if (err)
		bench_error("simulated pen %d: inject \"%s\": %s", id, cmd,
			    strerror(-err));
	return err;
}

/* ---- the pen ---------------------------------------------------------- */

int set_params(int fd, uint32_t mask, uint32_t depth_um, uint32_t rate_mhz)
{
	struct pen_params p = {
		.mask = mask,
		.depth_um = (mask & PEN_PARAM_DEPTH) ? depth_um : 0,
		.rate_mhz = (mask & PEN_PARAM_RATE) ? rate_mhz : 0,
	};

	if (ioctl(fd, PEN_IOC_SET_PARAMS, &p)) {
		bench_error("SET_PARAMS depth %u um rate %u mHz: %s", depth_um,
			    rate_mhz, strerror(errno));
		return -1;
	}
	return 0;
}

int pen_cmd(int fd, unsigned long cmd, const char *name)
{
	if (ioctl(fd, cmd)) {
		bench_error("%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int get_status(int fd, struct pen_status *st)
{
	if (ioctl(fd, PEN_IOC_GET_STATUS, st)) {
		bench_error("GET_STATUS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void events_free(struct events *e)
{
	free(e->ev);
	memset(e, 0, sizeof(*e));
}

/*
 * One read() of whatever is buffered (blocking until there is some),
 * straight into @e, so that threads may each read their own.
 */
int events_read(int fd, struct events *e)
{
	struct pen_event *grown;
	size_t n;
	ssize_t got;

	if (e->cap - e->n < PEN_EVENT_RING_SIZE) {
		size_t cap = e->cap ? e->cap : 4096;

		while (cap - e->n < PEN_EVENT_RING_SIZE)
			cap *= 2;
		grown = realloc(e->ev, cap * sizeof(*grown));
		if (!grown) {
			bench_error("out of memory");
			return -1;
		}
		e->ev = grown;
		e->cap = cap;
	}
	got = read(fd, e->ev + e->n, PEN_EVENT_RING_SIZE * sizeof(*e->ev));
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		bench_error("reading events: %s", strerror(errno));
		return -1;
	}
	if (got % sizeof(*e->ev)) {
		bench_error("read returned part of an event (%zd bytes)", got);
		return -1;
	}
	n = got / sizeof(*e->ev);
	e->n += n;
	return n;
}

/* Everything buffered now, without blocking. */
int events_drain(int fd, struct events *e)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	while ((n = poll(&p, 1, 0)) > 0) {
		n = events_read(fd, e);
		if (n <= 0)
			return n;
	}
	return n < 0 ? -1 : 0;
}
