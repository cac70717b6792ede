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

#endif /* PEN_UTIL_H */
