// SPDX-License-Identifier: GPL-2.0
/*
 * Driving a simulated pen from userspace: see sim_util.h. Built into
 * every selftest and into pen_bench.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_util.h"

/* -1 until PEN_BACKEND is read or pen_backend_use() says. */
static int sim = -1;

void pen_backend_use(int use_sim)
{
	sim = !!use_sim;
}

int pen_backend_is_sim(void)
{
	const char *b;

	if (sim < 0) {
		b = getenv("PEN_BACKEND");
		sim = !b || !*b || !strcmp(b, "sim");
		if (!sim && strcmp(b, "testbench")) {
			fprintf(stderr, "PEN_BACKEND=%s: not \"sim\" or \"testbench\"\n", b);
			exit(1);
		}
	}
	return sim;
}

int pen_kernel_is_rt(void)
{
	struct utsname u;

	return !uname(&u) && strstr(u.version, "PREEMPT_RT");
}

const char *sim_bus_file(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", SIM_BUS, file);
	return buf;
}

const char *sim_debugfs_file(char *buf, size_t len, unsigned int id,
			     const char *file)
{
	snprintf(buf, len, "%s/%s%u/%s", SIM_DEBUGFS, SIM_PREFIX, id, file);
	return buf;
}

int sim_write(const char *file, const char *text)
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

int sim_delete(unsigned int id)
{
	char buf[32], path[128];

	snprintf(buf, sizeof(buf), "%u", id);
	return sim_write(sim_bus_file(path, sizeof(path), "del_device"), buf);
}

int sim_create(unsigned int id, const char *opts)
{
	char buf[512], path[128];
	int ret;

	snprintf(buf, sizeof(buf), "%u %s", id, opts ? opts : "");
	ret = sim_write(sim_bus_file(path, sizeof(path), "new_device"), buf);
	if (ret || pen_backend_is_sim() || sim_pen_index(id) >= 0)
		return ret;
	fprintf(stderr, "# bench %u: no pen-vcm pen (is pen_vcm.ko loaded?)\n", id);
	sim_delete(id);
	return -ENODEV;
}

int sim_pen_index(unsigned int id)
{
	char path[128];
	struct dirent *d;
	DIR *dir;
	int n = -ENOENT;

	if (pen_backend_is_sim())
		snprintf(path, sizeof(path), "%s/devices/pen_sim%u/pen", SIM_BUS, id);
	else	/* the pen is the platform device's, pen-vcm.ID */
		snprintf(path, sizeof(path), "/sys/bus/platform/devices/pen-vcm.%u/pen", id);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		if (sscanf(d->d_name, "pen%d", &n) == 1)
			break;
	closedir(dir);
	return n;
}

int sim_open(unsigned int id, int flags)
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

long long sim_state(unsigned int id, const char *key)
{
	char path[128], k[64], v[64];
	long long ret = -ENOENT;
	FILE *f;

	f = fopen(sim_debugfs_file(path, sizeof(path), id, "state"), "re");
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

/*
 * Read record @file of instance @id, one entry of @size bytes a line,
 * each line parsed by @parse (nonzero if it was an entry; the header and
 * anything else are skipped), into a malloc()ed array at *@out. Returns
 * the count or -errno.
 */
static long sim_record(unsigned int id, const char *file, size_t size,
		       int (*parse)(const char *line, void *entry), void **out)
{
	char path[128], line[256];
	size_t n = 0, cap = 0;
	char *rec = NULL, *grown;
	FILE *f;

	f = fopen(sim_debugfs_file(path, sizeof(path), id, file), "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(rec, cap * size);
			if (!grown) {
				free(rec);
				fclose(f);
				return -ENOMEM;
			}
			rec = grown;
		}
		if (line[0] != '#' && parse(line, rec + n * size))
			n++;
	}
	fclose(f);
	*out = rec;
	return n;
}

static int sim_stroke_parse(const char *line, void *entry)
{
	struct sim_stroke *s = entry;

	return sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu32 " %" SCNu32,
		      &s->seq, &s->cmd_ns, &s->reach_ns, &s->cmd_um,
		      &s->reached_um) == 5;
}

long sim_strokes(unsigned int id, struct sim_stroke **out)
{
	void *rec = NULL;
	long n = sim_record(id, "strokes", sizeof(**out), sim_stroke_parse,
			    &rec);

	*out = rec;
	return n;
}

static int sim_span_parse(const char *line, void *entry)
{
	struct sim_span *s = entry;

	return sscanf(line, "%" SCNu64 " %" SCNu64, &s->on_ns, &s->off_ns) == 2;
}

long sim_spans(unsigned int id, struct sim_span **out)
{
	void *rec = NULL;
	long n = sim_record(id, "drive", sizeof(**out), sim_span_parse, &rec);

	*out = rec;
	return n;
}

int sim_inject(unsigned int id, const char *cmd)
{
	char path[128];

	return sim_write(sim_debugfs_file(path, sizeof(path), id, "inject"), cmd);
}

/* The container of the device tree's benches (pen-testbench-of.c). */
#define SIM_DT_BENCHES	"/sys/firmware/devicetree/base/pen-testbench"

int sim_from_device_tree(void)
{
	return !pen_backend_is_sim() && !access(SIM_DT_BENCHES, F_OK);
}

const char *sim_serial(unsigned int id, char *buf, size_t len)
{
	char path[128];
	ssize_t n = -1;
	int fd;

	if (sim_from_device_tree()) {
		snprintf(path, sizeof(path),
			 "/sys/bus/platform/devices/pen-vcm.%u/of_node/serial-number",
			 id);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			/* The property's string, with its NUL. */
			n = read(fd, buf, len - 1);
			close(fd);
		}
		buf[n > 0 ? n : 0] = '\0';
		return buf;
	}
	snprintf(buf, len, "%s-%08u", pen_backend_is_sim() ? "SIM" : "TB", id);
	return buf;
}

/* Where the project's VM keeps the modules (scripts/vm-run). */
#define PEN_VM_MODULES	"/lib/pen"

int pen_module_loaded(const char *name)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !stat(path, &sb);
}

int pen_module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* pen_sim's parameters in this boot of the VM (scripts/vm-run's). */
static const char *vm_sim_params(void)
{
	static char buf[128];
	FILE *f = fopen("/simparams", "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	return buf;
}

int pen_module_load(const char *name, const char *params)
{
	char path[128], all[512], cmd[640];
	int fd, ret;

	snprintf(all, sizeof(all), "%s %s",
		 strcmp(name, "pen_sim") ? "" : vm_sim_params(),
		 params ? params : "");
	snprintf(path, sizeof(path), "%s/%s.ko", PEN_VM_MODULES, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ret = syscall(SYS_finit_module, fd, all, 0) ? -errno : 0;
		close(fd);
		return ret;
	}
	/* Installed: modprobe, which loads what it depends on too. */
	snprintf(cmd, sizeof(cmd), "modprobe %s %s", name, all);
	ret = system(cmd);
	if (ret == -1)
		return -errno;
	return WIFEXITED(ret) && !WEXITSTATUS(ret) ? 0 : -ENOENT;
}

/* Nonzero if pen @name (penN in /sys/class/pen) is pen_sim's. */
static int pen_is_sim(const char *name)
{
	char path[128], real[PATH_MAX];
	const char *bus;

	snprintf(path, sizeof(path), "/sys/class/pen/%s/device/subsystem", name);
	if (!realpath(path, real))
		return 0;
	bus = strrchr(real, '/');
	return bus && !strcmp(bus, "/pen_sim");
}

const char *pen_sim_ensure(void)
{
	struct dirent *d;
	struct stat sb;
	DIR *dir;

	if (!pen_backend_is_sim())
		return stat(SIM_BUS, &sb) ?
			"no pen_testbench loaded (a test-only module: docs/testbench.md)" :
			NULL;
	if (stat(SIM_BUS, &sb)) {
		if (!pen_module_loaded("pen") && pen_module_load("pen", NULL))
			return "pen is not loaded and cannot be (modprobe pen)";
		if (pen_module_load("pen_sim", NULL) || stat(SIM_BUS, &sb))
			return "pen_sim is not loaded and cannot be (modprobe pen_sim)";
	}
	dir = opendir("/sys/class/pen");
	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "pen", 3) || pen_is_sim(d->d_name))
			continue;
		closedir(dir);
		return "a pen that is not pen_sim's is present: the tests must not drive it (unload its driver first)";
	}
	closedir(dir);
	return NULL;
}

FILE *pen_debugfs_open(int pen, const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/pen/pen%d/%s", pen,
		 file);
	return fopen(path, "re");
}

int pen_wakeups_of(int pen, struct pen_wakeups *w)
{
	FILE *f = pen_debugfs_open(pen, "wakeups");
	char line[160];
	long long lo;

	memset(w, 0xff, sizeof(*w));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "wakeups: %lld", &w->wakeups);
		sscanf(line, "lead_ns: %lld", &w->lead_ns);
		sscanf(line, "wake_ns: min %lld mean %lld max %lld", &lo,
		       &w->mean_ns, &w->max_ns);
	}
	fclose(f);
	return 0;
}
