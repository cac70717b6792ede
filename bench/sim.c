// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench's simulated pens (pen_sim's bus files, and its debugfs state,
 * stroke record and fault injection), and the pen's own interface on
 * them: the ioctls of /dev/penN and read() of its event stream.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

#define SIM_DEBUGFS	"/sys/kernel/debug/pen_sim"

/* Our pens: ids well clear of the selftests' and of pen_sim0. */
#define SIM_ID_BASE	7000U

/* ---- the simulated pen ------------------------------------------------ */

static unsigned int next_sim_id = SIM_ID_BASE;

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* A new simulated pen with "key=value ..." @opts: its id, or -errno. */
int sim_create(const char *opts)
{
	unsigned int id = next_sim_id++;
	char buf[256];
	int err;

	snprintf(buf, sizeof(buf), "%u %s", id, opts);
	err = write_file(SIM_BUS "/new_device", buf);
	if (err) {
		bench_error("creating simulated pen \"%s\": %s", buf,
			    strerror(-err));
		return err;
	}
	return id;
}

void sim_delete(int id)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%d", id);
	err = write_file(SIM_BUS "/del_device", buf);
	if (err)
		bench_error("deleting simulated pen %d: %s", id, strerror(-err));
}

/* Open the /dev/penN of simulated pen @id. */
int sim_open(int id, int flags)
{
	char path[128];
	struct dirent *d;
	DIR *dir;
	int n = -1, fd;

	snprintf(path, sizeof(path), SIM_BUS "/devices/pen_sim%d/pen", id);
	dir = opendir(path);
	if (!dir) {
		bench_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)))
		if (sscanf(d->d_name, "pen%d", &n) == 1)
			break;
	closedir(dir);
	if (n < 0) {
		bench_error("simulated pen %d has no pen device", id);
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/pen%d", n);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		bench_error("open %s: %s", path, strerror(errno));
	return fd;
}

/* A number from simulated pen @id's debugfs state; -1 on error. */
int64_t sim_state(int id, const char *key)
{
	char path[128], k[64], v[64];
	int64_t ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%d/state", id);
	f = fopen(path, "re");
	if (!f) {
		bench_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fscanf(f, "%63s %63s", k, v) == 2) {
		if (!strcmp(k, key)) {
			ret = strtoll(v, NULL, 10);
			break;
		}
	}
	fclose(f);
	if (ret < 0)
		bench_error("%s: no \"%s\"", path, key);
	return ret;
}

/* Simulated pen @id's stroke record, malloc()ed: its length, or -1. */
long sim_strokes(int id, struct sim_stroke **out)
{
	struct sim_stroke *rec = NULL, *grown, s;
	size_t n = 0, cap = 0;
	char path[128], line[256];
	FILE *f;

	*out = NULL;
	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%d/strokes", id);
	f = fopen(path, "re");
	if (!f) {
		bench_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu32
			   " %" SCNu32, &s.seq, &s.cmd_ns, &s.reach_ns,
			   &s.cmd_um, &s.reached_um) != 5)
			continue;	/* the header */
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			grown = realloc(rec, cap * sizeof(*rec));
			if (!grown) {
				free(rec);
				fclose(f);
				bench_error("out of memory");
				return -1;
			}
			rec = grown;
		}
		rec[n++] = s;
	}
	fclose(f);
	*out = rec;
	return n;
}

int sim_inject(int id, const char *cmd)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/pen_sim%d/inject", id);
	err = write_file(path, cmd);
	if (err)
		bench_error("%s \"%s\": %s", path, cmd, strerror(-err));
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

/* One read() of whatever is buffered (blocking until there is some). */
int events_read(int fd, struct events *e)
{
	static struct pen_event buf[PEN_EVENT_RING_SIZE];
	struct pen_event *grown;
	size_t n;
	ssize_t got;

	got = read(fd, buf, sizeof(buf));
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		bench_error("reading events: %s", strerror(errno));
		return -1;
	}
	if (got % sizeof(buf[0])) {
		bench_error("read returned part of an event (%zd bytes)", got);
		return -1;
	}
	n = got / sizeof(buf[0]);
	if (e->n + n > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;

		while (cap < e->n + n)
			cap *= 2;
		grown = realloc(e->ev, cap * sizeof(*grown));
		if (!grown) {
			bench_error("out of memory");
			return -1;
		}
		e->ev = grown;
		e->cap = cap;
	}
	memcpy(e->ev + e->n, buf, n * sizeof(buf[0]));
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
