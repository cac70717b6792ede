// SPDX-License-Identifier: GPL-2.0
/*
 * pen_bench: the stroke loop's timing, measured in the guest through the
 * real interfaces (the ioctls of /dev/penN, read() of its event stream,
 * pen_sim's debugfs record and fault injection), beside cyclictest.
 *
 *   pen_bench [--smoke] [--strokes N]
 *
 * Prints one JSON document on stdout between the lines PEN_BENCH_JSON_BEGIN
 * and PEN_BENCH_JSON_END (the guest's console carries it to the host,
 * where scripts/bench judges the figures against the targets); progress
 * goes to stderr. Exits 1 if anything could not be measured, never
 * because a figure is slow: this program measures, it does not judge.
 *
 * What it measures, each on a simulated pen of its own:
 *  - stroke timing: N strokes at 50, 120 and 300 Hz (and the simulator's
 *    fastest rate, if that is another): lateness against the absolute
 *    schedule, drift, missed strokes, from the stroke records, checked
 *    against the simulator's record; then cyclictest at the same period;
 *  - capacity: the fastest rate that runs N strokes with none missed;
 *  - stop latency: STOP, close of the controller and a hardware fault,
 *    from the cause to the simulator's drive-off time;
 *  - setpoint latency: SET_PARAMS (depth) returning to the first stroke
 *    at the new depth;
 *  - cost: SET_PARAMS against a null syscall; CPU time per stroke.
 *
 * Guest time must be deterministic for the figures to mean anything:
 * scripts/bench boots the guest under qemu -icount with one vCPU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pen.h>

#define SIM_BUS		"/sys/bus/pen_sim"
#define SIM_DEBUGFS	"/sys/kernel/debug/pen_sim"

/* The core refuses backends faster than this (kernel/pen-backend.h). */
#define CORE_RATE_LIMIT_MHZ	50000000U
/* The simulator's fastest rate unless told otherwise (docs/pen_sim.md). */
#define SIM_DEFAULT_RATE_MAX_MHZ 300000U
#define DEPTH_UM		500U
#define DEPTH_ALT_UM		600U
/* Our pens: ids well clear of the selftests' and of pen_sim0. */
#define SIM_ID_BASE		7000U

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define NSEC_PER_SEC		1000000000ULL
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_USEC		1000ULL

static bool smoke;
static unsigned int n_strokes = 10000;
static unsigned int next_sim_id = SIM_ID_BASE;

/* ---- errors ----------------------------------------------------------- */

#define MAX_ERRORS 32
static char *errors[MAX_ERRORS];
static unsigned int n_errors;

/* Something could not be measured: say what, and fail the run. */
static void bench_error(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "pen_bench: %s\n", buf);
	if (n_errors < MAX_ERRORS)
		errors[n_errors] = strdup(buf);
	n_errors++;
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("pen_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- time ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* A stroke period as the core computes it: rounded to the nearest ns. */
static uint64_t period_of(uint32_t rate_mhz)
{
	return (NSEC_PER_SEC * 1000ULL + rate_mhz / 2) / rate_mhz;
}

/*
 * The simulated needle's travel time for a run at @rate_mhz: its default
 * 500 us, or half a period at rates where that would not fit. A stroke
 * is only measured if the needle arrives before the next one starts.
 */
static unsigned int lag_for(uint32_t rate_mhz)
{
	uint64_t half_us = period_of(rate_mhz) / NSEC_PER_USEC / 2;

	return half_us >= 500 ? 500 : half_us ? half_us : 1;
}

/*
 * Fractions of a period, to start each trial at another phase of the
 * stroke loop. A fixed sequence, so that runs can be compared.
 */
static double next_phase(void)
{
	static uint32_t x = 12345;

	x = x * 1103515245U + 12345U;
	return (double)(x >> 8) / (double)(1U << 24);
}

/* ---- JSON out --------------------------------------------------------- */

/*
 * The document is built in memory and printed whole at the end, so that
 * progress on stderr and cyclictest's output never land inside it.
 */
static FILE *jout;
static int json_level;
static bool json_first[16] = { true };

static void json_key(const char *key)
{
	if (!json_first[json_level])
		fputc(',', jout);
	json_first[json_level] = false;
	fprintf(jout, "\n%*s", json_level * 2, "");
	if (key)
		fprintf(jout, "\"%s\": ", key);
}

static void json_open(const char *key, char c)
{
	json_key(key);
	fputc(c, jout);
	json_first[++json_level] = true;
}

static void json_close(char c)
{
	json_level--;
	fprintf(jout, "\n%*s%c", json_level * 2, "", c);
}

static void json_u64(const char *key, uint64_t v)
{
	json_key(key);
	fprintf(jout, "%" PRIu64, v);
}

static void json_i64(const char *key, int64_t v)
{
	json_key(key);
	fprintf(jout, "%" PRId64, v);
}

static void json_f(const char *key, double v)
{
	json_key(key);
	if (isfinite(v))
		fprintf(jout, "%.6g", v);
	else
		fputs("null", jout);
}

static void json_bool(const char *key, bool v)
{
	json_key(key);
	fputs(v ? "true" : "false", jout);
}

static void json_null(const char *key)
{
	json_key(key);
	fputs("null", jout);
}

static void json_str(const char *key, const char *s)
{
	json_key(key);
	fputc('"', jout);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(jout, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(jout, "\\u%04x", *s);
		else
			fputc(*s, jout);
	}
	fputc('"', jout);
}

/* ---- distributions ---------------------------------------------------- */

struct dist {
	size_t n;
	int64_t min, p50, p99, p999, max;
	double mean;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of @n sorted values. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);

	return v[rank ? rank - 1 : 0];
}

/* The distribution of @n values; sorts them. */
static struct dist dist_of(int64_t *v, size_t n)
{
	struct dist d = { .n = n };
	double sum = 0;
	size_t i;

	if (!n)
		return d;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 0; i < n; i++)
		sum += (double)v[i];
	d.min = v[0];
	d.p50 = pct(v, n, 0.50);
	d.p99 = pct(v, n, 0.99);
	d.p999 = pct(v, n, 0.999);
	d.max = v[n - 1];
	d.mean = sum / (double)n;
	return d;
}

static void json_dist(const char *key, const struct dist *d)
{
	if (!d->n) {
		json_null(key);
		return;
	}
	json_open(key, '{');
	json_u64("n", d->n);
	json_i64("min", d->min);
	json_i64("p50", d->p50);
	json_i64("p99", d->p99);
	json_i64("p99_9", d->p999);
	json_i64("max", d->max);
	json_f("mean", d->mean);
	json_close('}');
}

/* ---- the simulated pen ------------------------------------------------ */

struct sim_stroke {
	uint64_t seq, cmd_ns, reach_ns;
	uint32_t cmd_um, reached_um;
};

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
static int sim_create(const char *opts)
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

static void sim_delete(int id)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%d", id);
	err = write_file(SIM_BUS "/del_device", buf);
	if (err)
		bench_error("deleting simulated pen %d: %s", id, strerror(-err));
}

/* Open the /dev/penN of simulated pen @id. */
static int sim_open(int id, int flags)
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
static int64_t sim_state(int id, const char *key)
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
static long sim_strokes(int id, struct sim_stroke **out)
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

static int sim_inject(int id, const char *cmd)
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

static int set_params(int fd, uint32_t mask, uint32_t depth_um,
		      uint32_t rate_mhz)
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

static int pen_cmd(int fd, unsigned long cmd, const char *name)
{
	if (ioctl(fd, cmd)) {
		bench_error("%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

static int get_status(int fd, struct pen_status *st)
{
	if (ioctl(fd, PEN_IOC_GET_STATUS, st)) {
		bench_error("GET_STATUS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A growing array of event records. */
struct events {
	struct pen_event *ev;
	size_t n, cap;
};

static void events_free(struct events *e)
{
	free(e->ev);
	memset(e, 0, sizeof(*e));
}

/* One read() of whatever is buffered (blocking until there is some). */
static int events_read(int fd, struct events *e)
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
static int events_drain(int fd, struct events *e)
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

/* ---- one run of the stroke loop --------------------------------------- */

struct run {
	/* asked for */
	uint32_t rate_mhz;
	unsigned int strokes;
	unsigned int lag_us;
	uint32_t rate_max_mhz;		/* 0: the simulator's default */
	/* what happened */
	struct events evs;
	struct sim_stroke *sim;
	long nsim;
	struct pen_status st;
	struct pen_info info;
};

/*
 * Run @r->strokes strokes on a simulated pen of its own, reading the
 * event stream meanwhile. The pen's cartridge is good for exactly that
 * many strokes, so the loop stops itself at the stroke boundary after
 * the last one (CARTRIDGE_SPENT), and no userspace timing decides the
 * run's length. The reader reads in batches of about a quarter of its
 * ring, so that its wake-ups disturb the loop as little as a careful
 * controller's would.
 */
static int run_strokes(struct run *r)
{
	uint64_t period = period_of(r->rate_mhz);
	uint64_t nap = period * (PEN_EVENT_RING_SIZE / 4);
	uint64_t deadline;
	char opts[160];
	int id, fd, ret = -1;
	size_t i, from;
	bool stopped = false;

	if (nap > NSEC_PER_SEC)
		nap = NSEC_PER_SEC;
	if (r->rate_max_mhz)
		snprintf(opts, sizeof(opts),
			 "rate_max_mhz=%u lag_us=%u cartridge_budget=%u",
			 r->rate_max_mhz, r->lag_us, r->strokes);
	else
		snprintf(opts, sizeof(opts), "lag_us=%u cartridge_budget=%u",
			 r->lag_us, r->strokes);
	id = sim_create(opts);
	if (id < 0)
		return -1;
	fd = sim_open(id, O_RDWR);
	if (fd < 0)
		goto out_delete;
	if (ioctl(fd, PEN_IOC_GET_INFO, &r->info)) {
		bench_error("GET_INFO: %s", strerror(errno));
		goto out_close;
	}
	if (set_params(fd, PEN_PARAM_ALL, DEPTH_UM, r->rate_mhz))
		goto out_close;
	if (events_drain(fd, &r->evs))
		goto out_close;
	from = r->evs.n;
	/* Twice the run's length, and 10 s for slow starts, at most. */
	deadline = now_ns() + 2 * period * r->strokes + 10 * NSEC_PER_SEC;
	if (pen_cmd(fd, PEN_IOC_START, "START"))
		goto out_close;

	while (!stopped) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		int n;

		if (now >= deadline) {
			bench_error("%u mHz: the run did not stop by itself",
				    r->rate_mhz);
			ioctl(fd, PEN_IOC_STOP);
			goto out_close;
		}
		n = poll(&p, 1, (deadline - now) / NSEC_PER_MSEC + 1);
		if (n < 0) {
			bench_error("poll: %s", strerror(errno));
			goto out_close;
		}
		if (n == 0)
			continue;
		if (events_read(fd, &r->evs) < 0)
			goto out_close;
		for (i = from; i < r->evs.n; i++)
			if (r->evs.ev[i].type == PEN_EVENT_STATE &&
			    r->evs.ev[i].state.state == PEN_STATE_STOPPED)
				stopped = true;
		from = r->evs.n;
		if (!stopped)
			sleep_ns(nap);
	}
	if (get_status(fd, &r->st))
		goto out_close;
	r->nsim = sim_strokes(id, &r->sim);
	if (r->nsim >= 0)
		ret = 0;
out_close:
	close(fd);
out_delete:
	sim_delete(id);
	return ret;
}

static void run_free(struct run *r)
{
	events_free(&r->evs);
	free(r->sim);
	r->sim = NULL;
}

/* What a run's records and the simulator's record say. */
struct run_stats {
	uint64_t issued, missed, lost, unmeasured;
	uint32_t stop_reason, fault;
	struct dist lateness;
	int64_t schedule_ns;		/* ideal times off whole periods, worst */
	int64_t drift_ns;		/* lateness, last tenth less first */
	/* the simulator's record against the stroke records */
	uint64_t sim_strokes, sim_mismatched;
	struct dist hw_delay;		/* issue to the simulator's command */
	struct dist sim_lateness;	/* the command against the schedule */
	int64_t sim_drift_ns;
};

static const char *stop_reason_name(uint32_t r)
{
	static const char * const names[] = {
		"none", "request", "close", "removed", "backend", "fault",
		"depth_cap", "run_time", "cartridge_removed",
		"cartridge_spent", "suspend", "shutdown",
	};

	return r < ARRAY_SIZE(names) ? names[r] : "?";
}

static const char *fault_name(uint32_t f)
{
	static const char * const names[] = {
		"none", "over_depth", "stall", "overcurrent", "overtemp",
		"supply_low", "timing", "watchdog",
	};

	return f < ARRAY_SIZE(names) ? names[f] : "?";
}

/* Mean of v[from, to). */
static double mean_of(const int64_t *v, size_t from, size_t to)
{
	double sum = 0;
	size_t i;

	for (i = from; i < to; i++)
		sum += (double)v[i];
	return to > from ? sum / (double)(to - from) : 0;
}

/*
 * The ideal time of each stroke is its issue time less its lateness; on
 * an absolute schedule the ideal times of strokes i and j are exactly
 * (j - i + the periods missed between them) periods apart, and any
 * difference from that is a schedule error. The simulator's record is an
 * independent witness of the same schedule: when the hardware got each
 * command, against the first stroke's ideal time plus whole periods.
 */
static int analyse(const struct run *r, struct run_stats *s)
{
	uint64_t period = period_of(r->rate_mhz);
	const struct pen_event *first = NULL;
	int64_t *lat, *hw, *slat, worst = 0, dev;
	uint64_t ideal0 = 0, k = 0, seq0 = 0;
	size_t i, n = 0, m, tenth, j = 0;

	memset(s, 0, sizeof(*s));
	s->stop_reason = r->st.stop_reason;
	s->fault = r->st.fault;
	lat = calloc(r->evs.n + 1, sizeof(*lat));
	hw = calloc(r->evs.n + 1, sizeof(*hw));
	slat = calloc(r->evs.n + 1, sizeof(*slat));
	if (!lat || !hw || !slat) {
		free(lat);
		free(hw);
		free(slat);
		bench_error("out of memory");
		return -1;
	}

	for (i = 0; i < r->evs.n; i++) {
		const struct pen_event *ev = &r->evs.ev[i];

		if (ev->type == PEN_EVENT_OVERFLOW)
			s->lost += ev->overflow.lost;
		if (ev->type != PEN_EVENT_STROKE)
			continue;
		if (!first) {
			first = ev;
			ideal0 = ev->timestamp_ns - ev->stroke.lateness_ns;
			seq0 = ev->seq;
		}
		s->missed += ev->stroke.missed;
		s->unmeasured += !(ev->flags & PEN_STROKE_MEASURED);
		/* Periods from the first stroke's ideal time to this one's. */
		k = ev->seq - seq0 + s->missed - first->stroke.missed;
		dev = (int64_t)(ev->timestamp_ns - ev->stroke.lateness_ns -
				ideal0 - k * period);
		if (llabs(dev) > llabs(worst))
			worst = dev;
		lat[n] = ev->stroke.lateness_ns;

		/* The simulator's record, stroke by stroke. */
		while (j < (size_t)r->nsim && r->sim[j].seq < ev->seq)
			j++;
		if (j < (size_t)r->nsim && r->sim[j].seq == ev->seq &&
		    r->sim[j].cmd_um == ev->stroke.cmd_um &&
		    !r->sim[j].reach_ns == !(ev->flags & PEN_STROKE_MEASURED)) {
			hw[s->sim_strokes] = r->sim[j].cmd_ns - ev->timestamp_ns;
			slat[s->sim_strokes] = r->sim[j].cmd_ns - ideal0 -
					       k * period;
			s->sim_strokes++;
		} else {
			s->sim_mismatched++;
		}
		n++;
	}
	s->issued = n;
	s->schedule_ns = worst;
	/*
	 * A timing fault's periods are counted by the driver but belong to
	 * no stroke record (no stroke followed them): its counter is the
	 * one to report, once the records have been checked against it.
	 */
	if (s->missed > r->st.run_missed_strokes ||
	    (s->missed != r->st.run_missed_strokes && !s->lost &&
	     r->st.fault != PEN_FAULT_TIMING))
		bench_error("%u mHz: records say %llu missed, the driver %llu",
			    r->rate_mhz, (unsigned long long)s->missed,
			    (unsigned long long)r->st.run_missed_strokes);
	s->missed = r->st.run_missed_strokes;
	/*
	 * Drift, before sorting: how far the strokes of the last tenth of
	 * the run are, on average, from their ideal times, against those
	 * of the first tenth; by the driver's times and by the simulator's.
	 */
	tenth = n / 10;
	if (tenth)
		s->drift_ns = llround(mean_of(lat, n - tenth, n) -
				      mean_of(lat, 0, tenth));
	tenth = s->sim_strokes / 10;
	if (tenth)
		s->sim_drift_ns = llround(mean_of(slat, s->sim_strokes - tenth,
						  s->sim_strokes) -
					  mean_of(slat, 0, tenth));
	s->lateness = dist_of(lat, n);
	m = s->sim_strokes;
	s->hw_delay = dist_of(hw, m);
	s->sim_lateness = dist_of(slat, m);
	/* Strokes in the simulator's record that no stroke record names. */
	if ((uint64_t)r->nsim > s->sim_strokes + s->sim_mismatched)
		s->sim_mismatched += r->nsim - s->sim_strokes -
				     s->sim_mismatched;
	free(lat);
	free(hw);
	free(slat);

	/* The records against the driver's own counters. */
	if (n != r->st.run_strokes && !s->lost)
		bench_error("%u mHz: %zu stroke records, the driver counted %llu",
			    r->rate_mhz, n,
			    (unsigned long long)r->st.run_strokes);
	return 0;
}

static void json_run_stats(const struct run *r, const struct run_stats *s)
{
	json_u64("rate_mhz", r->rate_mhz);
	json_f("rate_hz", r->rate_mhz / 1000.0);
	json_u64("period_ns", period_of(r->rate_mhz));
	json_u64("strokes_asked", r->strokes);
	json_u64("strokes", s->issued);
	json_u64("missed", s->missed);
	json_str("stop_reason", stop_reason_name(s->stop_reason));
	json_str("fault", fault_name(s->fault));
	json_u64("lag_us", r->lag_us);
	json_u64("events_lost", s->lost);
	json_u64("unmeasured", s->unmeasured);
	json_dist("lateness_ns", &s->lateness);
	json_i64("schedule_error_ns", s->schedule_ns);
	json_i64("drift_ns", s->drift_ns);
	json_open("sim", '{');
	json_u64("strokes", r->nsim > 0 ? r->nsim : 0);
	json_u64("matched", s->sim_strokes);
	json_u64("mismatched", s->sim_mismatched);
	json_dist("issue_to_command_ns", &s->hw_delay);
	json_dist("lateness_ns", &s->sim_lateness);
	json_i64("drift_ns", s->sim_drift_ns);
	json_close('}');
}

/* ---- cyclictest ------------------------------------------------------- */

static const char ct_out[] = "/tmp/pen_bench_cyclictest.out";

/*
 * Start cyclictest at SCHED_FIFO 90: one thread sleeping with
 * clock_nanosleep on an absolute schedule of @interval_us (-d 0 matters:
 * rt-tests 2.4 adds its default 500 us "distance" even to a lone
 * thread), @loops times, every latency printed in ns (-v -N). Its pid, or
 * -1.
 */
static pid_t cyclictest_start(unsigned int interval_us, unsigned int loops)
{
	char interval[16], count[16];
	pid_t pid;
	int fd;

	snprintf(interval, sizeof(interval), "%u", interval_us);
	snprintf(count, sizeof(count), "%u", loops);
	pid = fork();
	if (pid < 0) {
		bench_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		fd = open(ct_out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(126);
		execlp("cyclictest", "cyclictest", "-q", "-m", "-p", "90",
		       "--policy=fifo", "-t", "1", "-d", "0", "-i", interval,
		       "-l", count, "-v", "-N", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for cyclictest @pid to finish its @loops; its latencies in @d. */
static int cyclictest_finish(pid_t pid, unsigned int loops, struct dist *d)
{
	char line[128];
	int64_t *v, value;
	unsigned int thread, cycle;
	size_t n = 0;
	int status;
	FILE *f;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		bench_error("cyclictest of %u loops failed (status %#x)", loops,
			    status);
		return -1;
	}
	v = calloc(loops, sizeof(*v));
	f = fopen(ct_out, "re");
	if (!v || !f) {
		bench_error("reading cyclictest's output: %s", strerror(errno));
		free(v);
		if (f)
			fclose(f);
		return -1;
	}
	/* "thread: cycle: latency" lines; the rest is its summary. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %u: %u: %" SCNd64, &thread, &cycle,
			   &value) == 3 && n < loops)
			v[n++] = value;
	fclose(f);
	if (n != loops)
		bench_error("cyclictest reported %zu of %u loops", n, loops);
	*d = dist_of(v, n);
	free(v);
	return n == loops ? 0 : -1;
}

static void json_cyclictest(unsigned int interval_us, unsigned int loops,
			    const struct dist *d, const struct dist *ours)
{
	json_open("cyclictest", '{');
	json_u64("interval_us", interval_us);
	json_u64("loops", loops);
	json_dist("latency_ns", d);
	json_close('}');
	json_f("p99_ratio", d->p99 ? (double)ours->p99 / d->p99 : NAN);
}

static bool have_cyclictest(void)
{
	return !access("/usr/bin/cyclictest", X_OK) ||
	       !access("/usr/local/bin/cyclictest", X_OK);
}

/* ---- stroke timing ---------------------------------------------------- */

static uint32_t sim_rate_max_mhz = SIM_DEFAULT_RATE_MAX_MHZ;

/*
 * The stroke loop and cyclictest at once, at the same period: each with
 * the other's load, as a controller's real-time thread would run beside
 * the pen. cyclictest starts first and runs as many loops as there are
 * strokes, so the two overlap for almost all of the run.
 */
static void stroke_timing_together(uint32_t rate_mhz)
{
	unsigned int interval_us = (period_of(rate_mhz) + 500) / 1000;
	struct run r = {
		.rate_mhz = rate_mhz, .strokes = n_strokes,
		.lag_us = lag_for(rate_mhz),
	};
	struct run_stats s;
	struct dist cd;
	bool ran;
	pid_t pid;

	progress("stroke timing with cyclictest beside: %u strokes at %.0f Hz",
		 n_strokes, rate_mhz / 1000.0);
	pid = cyclictest_start(interval_us, n_strokes);
	if (pid < 0)
		return;
	ran = !run_strokes(&r) && !analyse(&r, &s);
	if (cyclictest_finish(pid, n_strokes, &cd) || !ran) {
		run_free(&r);
		return;
	}
	json_open(NULL, '{');
	json_run_stats(&r, &s);
	json_bool("sim_rate_max", r.rate_mhz == r.info.rate_max_mhz);
	json_bool("with_cyclictest", true);
	json_cyclictest(interval_us, n_strokes, &cd, &s.lateness);
	json_close('}');
	run_free(&r);
}

static void bench_stroke_timing(void)
{
	uint32_t rates[4] = { 50000, 120000, 300000 };
	unsigned int nrates = 3, i, loops;
	bool ct = have_cyclictest();

	if (smoke)
		rates[0] = 300000, nrates = 1;

	json_open("stroke_timing", '[');
	for (i = 0; i < nrates; i++) {
		struct run r = {
			.rate_mhz = rates[i], .strokes = n_strokes,
			.lag_us = lag_for(rates[i]),
		};
		struct run_stats s;
		struct dist cd;
		unsigned int interval_us;
		pid_t pid;

		progress("stroke timing: %u strokes at %.0f Hz", n_strokes,
			 rates[i] / 1000.0);
		if (run_strokes(&r) || analyse(&r, &s)) {
			run_free(&r);
			continue;
		}
		/*
		 * The simulator's fastest rate: if it is not one of ours,
		 * it gets a run too (it is 300 Hz unless pen_sim changes).
		 */
		if (i == 0)
			sim_rate_max_mhz = r.info.rate_max_mhz;
		if (i == nrates - 1 && !smoke &&
		    sim_rate_max_mhz != rates[i] && nrates < 4)
			rates[nrates++] = sim_rate_max_mhz;

		json_open(NULL, '{');
		json_run_stats(&r, &s);
		json_bool("sim_rate_max", r.rate_mhz == r.info.rate_max_mhz);
		json_bool("with_cyclictest", false);
		/* cyclictest sleeps whole microseconds; 120 Hz is 8333. */
		interval_us = (period_of(rates[i]) + 500) / 1000;
		loops = smoke ? 100 : n_strokes;
		pid = -1;
		if (ct) {
			progress("cyclictest: %u loops of %u us", loops,
				 interval_us);
			pid = cyclictest_start(interval_us, loops);
		}
		if (pid > 0 && !cyclictest_finish(pid, loops, &cd))
			json_cyclictest(interval_us, loops, &cd, &s.lateness);
		else
			json_null("cyclictest");
		json_close('}');
		run_free(&r);
	}
	if (ct && !smoke)
		stroke_timing_together(300000);
	json_close(']');
}

/* ---- capacity --------------------------------------------------------- */

/* One capacity run at @rate_mhz; true if every stroke came, none missed. */
static bool capacity_run(uint32_t rate_mhz, bool *ok)
{
	struct run r = {
		.rate_mhz = rate_mhz, .strokes = n_strokes,
		.rate_max_mhz = rate_mhz > SIM_DEFAULT_RATE_MAX_MHZ ?
				rate_mhz : SIM_DEFAULT_RATE_MAX_MHZ,
		.lag_us = lag_for(rate_mhz),
	};
	struct run_stats s;
	bool sustained;

	progress("capacity: %u strokes at %.0f Hz", n_strokes,
		 rate_mhz / 1000.0);
	*ok = false;
	if (run_strokes(&r) || analyse(&r, &s)) {
		run_free(&r);
		return false;
	}
	*ok = true;
	sustained = s.issued == r.strokes && !s.missed &&
		    s.fault == PEN_FAULT_NONE;
	json_open(NULL, '{');
	json_run_stats(&r, &s);
	json_bool("sustained", sustained);
	json_close('}');
	run_free(&r);
	return sustained;
}

static void bench_capacity(void)
{
	static const uint32_t ladder_hz[] = {
		1000, 2000, 5000, 10000, 20000, 50000,
	};
	uint32_t best = 0, worst = 0, lo, hi, mid;
	unsigned int i, steps;
	bool ok, limit_done = false;

	json_open("capacity", '{');
	json_u64("core_limit_mhz", CORE_RATE_LIMIT_MHZ);
	json_u64("strokes", n_strokes);
	json_open("runs", '[');
	if (smoke) {
		if (capacity_run(2000000, &ok))
			best = 2000000;
		else if (ok)
			worst = 2000000;
		goto done;
	}
	/* Up the ladder to the first rate the loop cannot sustain ... */
	for (i = 0; i < ARRAY_SIZE(ladder_hz); i++) {
		uint32_t rate = ladder_hz[i] * 1000U;

		limit_done = rate == CORE_RATE_LIMIT_MHZ;
		if (capacity_run(rate, &ok)) {
			best = rate;
		} else {
			if (ok)
				worst = rate;
			break;
		}
	}
	/* ... then halve the gap to the fastest sustained, to 5%. */
	lo = best;
	hi = worst;
	for (steps = 0; hi && lo && steps < 6 && hi - lo > lo / 20; steps++) {
		mid = (lo + hi) / 2 / 10000 * 10000;	/* whole 10 Hz */
		if (capacity_run(mid, &ok))
			lo = mid;
		else if (ok)
			hi = mid;
		else
			break;
	}
	best = lo;
	worst = hi;
	/* The core's own limit is always tried, for the record. */
	if (!limit_done)
		capacity_run(CORE_RATE_LIMIT_MHZ, &ok);
done:
	json_close(']');
	json_u64("capacity_mhz", best);
	json_u64("first_unsustained_mhz", worst);
	json_close('}');
}

/* ---- stop latency ----------------------------------------------------- */

enum stop_cause { STOP_IOCTL, STOP_CLOSE, STOP_FAULT, STOP_CAUSES };

static const char * const stop_cause_names[] = {
	[STOP_IOCTL] = "stop_ioctl",
	[STOP_CLOSE] = "close",
	[STOP_FAULT] = "overcurrent_fault",
};

/*
 * From the cause to the simulator's drive_off_ns, @trials times per
 * cause, each at another phase of the stroke loop. The cause's time is
 * taken right before the syscall that makes it, or for a fault is the
 * simulator's own inject_ns, taken as it reports the fault.
 */
static void bench_stop_latency(uint32_t rate_mhz, unsigned int trials)
{
	uint64_t period = period_of(rate_mhz);
	int64_t *lat = calloc(trials, sizeof(*lat));
	unsigned int c, t;
	int id, fd = -1;
	char opts[64];

	json_open("stop_latency", '{');
	json_u64("rate_mhz", rate_mhz);
	json_u64("period_ns", period);
	json_u64("trials", trials);
	snprintf(opts, sizeof(opts), "cartridge_budget=100000000");
	id = lat ? sim_create(opts) : -1;
	if (id < 0)
		goto out;
	fd = sim_open(id, O_RDWR);
	if (fd < 0 || set_params(fd, PEN_PARAM_ALL, DEPTH_UM, rate_mhz))
		goto out;

	for (c = 0; c < STOP_CAUSES; c++) {
		struct dist d;
		unsigned int n = 0;

		progress("stop latency: %s", stop_cause_names[c]);
		for (t = 0; t < trials; t++) {
			int64_t cause = 0, off;

			if (fd < 0) {
				fd = sim_open(id, O_RDWR);
				if (fd < 0)
					goto out;
			}
			if (pen_cmd(fd, PEN_IOC_START, "START"))
				goto out;
			sleep_ns(3 * period + next_phase() * period);
			switch (c) {
			case STOP_IOCTL:
				cause = now_ns();
				if (pen_cmd(fd, PEN_IOC_STOP, "STOP"))
					goto out;
				break;
			case STOP_CLOSE:
				cause = now_ns();
				close(fd);
				fd = -1;
				break;
			case STOP_FAULT:
				if (sim_inject(id, "overcurrent 5000"))
					goto out;
				cause = sim_state(id, "inject_ns");
				if (pen_cmd(fd, PEN_IOC_CLEAR_FAULT,
					    "CLEAR_FAULT"))
					goto out;
				break;
			}
			off = sim_state(id, "drive_off_ns");
			if (cause <= 0 || off < cause) {
				bench_error("%s: drive off at %lld, before its cause at %lld",
					    stop_cause_names[c], (long long)off,
					    (long long)cause);
				goto out;
			}
			lat[n++] = off - cause;
		}
		d = dist_of(lat, n);
		json_open(stop_cause_names[c], '{');
		json_dist("latency_ns", &d);
		json_f("max_periods", (double)d.max / period);
		json_close('}');
	}
out:
	if (fd >= 0)
		close(fd);
	if (id >= 0)
		sim_delete(id);
	free(lat);
	json_close('}');
}

/* ---- setpoint latency ------------------------------------------------- */

/* Index of stroke @seq's record in @e, or -1. */
static long find_stroke(const struct events *e, uint64_t seq)
{
	size_t i;

	for (i = e->n; i-- > 0;)
		if (e->ev[i].type == PEN_EVENT_STROKE && e->ev[i].seq == seq)
			return i;
	return -1;
}

/*
 * SET_PARAMS with a new depth while the needle runs, @trials times at
 * other phases of the loop. The SETPOINT record names the first stroke
 * that uses it; that stroke's record says when it was issued. Exactly one
 * stroke boundary means: that stroke is the first one issued after the
 * call, every stroke before it has the old depth, it has the new one.
 */
static void bench_setpoint(uint32_t rate_mhz, unsigned int trials)
{
	uint64_t period = period_of(rate_mhz);
	int64_t *lat = calloc(trials, sizeof(*lat));
	unsigned int t, n = 0, exact = 0, waited;
	uint32_t depth = DEPTH_UM, old;
	struct events e = { 0 };
	struct dist d;
	int id, fd = -1;

	progress("setpoint latency at %.0f Hz", rate_mhz / 1000.0);
	json_open(NULL, '{');
	json_u64("rate_mhz", rate_mhz);
	json_u64("period_ns", period);
	json_u64("trials", trials);
	id = lat ? sim_create("cartridge_budget=100000000") : -1;
	if (id < 0)
		goto out;
	fd = sim_open(id, O_RDWR);
	if (fd < 0 || set_params(fd, PEN_PARAM_ALL, depth, rate_mhz) ||
	    pen_cmd(fd, PEN_IOC_START, "START"))
		goto out;

	for (t = 0; t < trials; t++) {
		uint64_t t0, t1, seq = 0;
		long s = -1, prev;
		size_t i, from;
		bool found = false, late = false;

		sleep_ns(2 * period + next_phase() * period);
		if (events_drain(fd, &e))
			goto out;
		from = e.n;
		old = depth;
		depth = depth == DEPTH_UM ? DEPTH_ALT_UM : DEPTH_UM;
		t0 = now_ns();
		if (set_params(fd, PEN_PARAM_DEPTH, depth, 0))
			goto out;
		t1 = now_ns();

		/* The stroke it names must be issued and its record out. */
		for (waited = 0; waited < 20 && s < 0; waited++) {
			sleep_ns(period);
			if (events_drain(fd, &e))
				goto out;
			for (i = from; i < e.n && !found; i++) {
				if (e.ev[i].type == PEN_EVENT_SETPOINT &&
				    e.ev[i].setpoint.depth_um == depth) {
					seq = e.ev[i].seq;
					found = true;
				}
			}
			if (found)
				s = find_stroke(&e, seq);
		}
		if (s < 0) {
			bench_error("setpoint at %u mHz: no SETPOINT record or no stroke %llu",
				    rate_mhz, (unsigned long long)seq);
			goto out;
		}
		prev = seq ? find_stroke(&e, seq - 1) : -1;
		/* A stroke after the call returned that still had the old depth? */
		for (i = 0; i < e.n; i++)
			if (e.ev[i].type == PEN_EVENT_STROKE &&
			    e.ev[i].seq < seq && e.ev[i].timestamp_ns > t1)
				late = true;
		if (!late && e.ev[s].stroke.cmd_um == depth &&
		    e.ev[s].timestamp_ns >= t0 &&
		    (prev < 0 || e.ev[prev].stroke.cmd_um == old))
			exact++;
		lat[n++] = (int64_t)(e.ev[s].timestamp_ns - t1);
	}
out:
	if (fd >= 0) {
		ioctl(fd, PEN_IOC_STOP);
		close(fd);
	}
	if (id >= 0)
		sim_delete(id);
	d = dist_of(lat, n);
	json_dist("latency_ns", &d);
	json_f("max_periods", d.n ? (double)d.max / period : NAN);
	json_u64("exactly_one_boundary", exact);
	json_close('}');
	free(lat);
	events_free(&e);
}

/* ---- cost ------------------------------------------------------------- */

enum call { CALL_NULL, CALL_SET_DEPTH, CALL_GET_STATUS, CALL_ENOTTY };

/*
 * ns per call, over @n calls of: getppid(), the null syscall (it takes
 * no argument and no lock, and glibc never caches it); SET_PARAMS with a
 * new depth; and, to show where its time goes, GET_STATUS (an ioctl that
 * changes nothing) and an ioctl number the driver refuses at once with
 * ENOTTY (the cost of reaching the driver at all).
 */
static double time_calls(int fd, unsigned int n, enum call call)
{
	struct pen_params p = { .mask = PEN_PARAM_DEPTH };
	struct pen_status st;
	uint64_t t0;
	unsigned int i;
	int ret = 0;

	t0 = now_ns();
	for (i = 0; i < n && !ret; i++) {
		switch (call) {
		case CALL_NULL:
			syscall(SYS_getppid);
			break;
		case CALL_SET_DEPTH:
			p.depth_um = i & 1 ? DEPTH_ALT_UM : DEPTH_UM;
			ret = ioctl(fd, PEN_IOC_SET_PARAMS, &p);
			break;
		case CALL_GET_STATUS:
			ret = ioctl(fd, PEN_IOC_GET_STATUS, &st);
			break;
		case CALL_ENOTTY:
			if (ioctl(fd, _IO(PEN_IOC_MAGIC, 0xff)) == 0 ||
			    errno != ENOTTY)
				ret = -1;
			break;
		}
	}
	if (ret) {
		bench_error("ioctl %d: %s", call, strerror(errno));
		return NAN;
	}
	return (double)(now_ns() - t0) / n;
}

/*
 * Irq work interrupts so far (the IWI line of /proc/interrupts, every
 * CPU), or -1: the pen wakes its event readers through irq_work, and on
 * x86 each irq_work queued from a syscall is a self-interrupt.
 */
static int64_t irq_work_interrupts(void)
{
	char line[512], *p, *end;
	int64_t sum = -1;
	FILE *f;

	f = fopen("/proc/interrupts", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "IWI:", 4))
			continue;
		sum = 0;
		for (p += 4;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
		break;
	}
	fclose(f);
	return sum;
}

/*
 * Context switches so far, every CPU (the ctxt line of /proc/stat), or
 * -1: on PREEMPT_RT an irq_work that is not marked hard runs in a kernel
 * thread, so each one costs a switch to that thread and back.
 */
static int64_t context_switches(void)
{
	long long v = -1;
	char line[256];
	FILE *f;

	f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "ctxt %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * A busy loop of fixed work per iteration, for @ns of guest time: its
 * iterations per second. Under -icount guest time is instructions, so
 * the time anything else takes on the CPU (interrupts, the stroke timer,
 * the threads it wakes) is exactly the time the loop did not get.
 */
static double hog(uint64_t ns, int fd, struct events *e, uint64_t drain_ns,
		  uint64_t *strokes)
{
	struct pen_status a, b;
	uint64_t t0, t, iters = 0, next_drain;
	unsigned int i;

	if (fd >= 0 && get_status(fd, &a))
		return NAN;
	t0 = now_ns();
	next_drain = drain_ns ? t0 + drain_ns : UINT64_MAX;
	do {
		/* Work the compiler may not remove or fold. */
		for (i = 0; i < 256; i++)
			asm volatile("" : : "r" (i));
		iters++;
		t = now_ns();
		if (t >= next_drain) {
			if (events_drain(fd, e))
				return NAN;
			e->n = 0;	/* only the reading costs */
			next_drain = t + drain_ns;
		}
	} while (t < t0 + ns);
	if (fd >= 0) {
		if (get_status(fd, &b))
			return NAN;
		*strokes = b.run_strokes - a.run_strokes;
	}
	return (double)iters * NSEC_PER_SEC / (double)(t - t0);
}

/* CPU time per stroke at @rate_mhz, reading the events or not. */
static void cpu_per_stroke(double idle_rate, uint32_t rate_mhz, bool read,
			   uint64_t window)
{
	uint64_t period = period_of(rate_mhz), strokes = 0;
	struct events e = { 0 };
	double rate, busy_ns;
	int64_t ctxt;
	char opts[128];
	int id, fd;

	progress("CPU per stroke at %.0f Hz%s", rate_mhz / 1000.0,
		 read ? ", reading events" : "");
	snprintf(opts, sizeof(opts),
		 "rate_max_mhz=%u lag_us=%u cartridge_budget=100000000",
		 rate_mhz > SIM_DEFAULT_RATE_MAX_MHZ ? rate_mhz :
		 SIM_DEFAULT_RATE_MAX_MHZ, lag_for(rate_mhz));
	id = sim_create(opts);
	if (id < 0)
		return;
	fd = sim_open(id, O_RDWR);
	if (fd < 0)
		goto out_delete;
	if (set_params(fd, PEN_PARAM_ALL, DEPTH_UM, rate_mhz) ||
	    pen_cmd(fd, PEN_IOC_START, "START"))
		goto out_close;
	/* Past the start, and its first strokes. */
	sleep_ns(10 * period);
	ctxt = context_switches();
	rate = hog(window, fd, &e,
		   read ? period * (PEN_EVENT_RING_SIZE / 4) : 0, &strokes);
	if (ctxt >= 0)
		ctxt = context_switches() - ctxt;
	ioctl(fd, PEN_IOC_STOP);
	if (!strokes || !isfinite(rate)) {
		bench_error("CPU per stroke: no strokes in the window");
		goto out_close;
	}
	/* The CPU the loop did not get, over the strokes made meanwhile. */
	busy_ns = (1.0 - rate / idle_rate) * window;
	json_open(NULL, '{');
	json_u64("rate_mhz", rate_mhz);
	json_bool("reading_events", read);
	json_u64("window_ns", window);
	json_u64("strokes", strokes);
	json_f("busy_fraction", 1.0 - rate / idle_rate);
	json_f("cpu_ns_per_stroke", busy_ns / strokes);
	json_u64("lag_us", lag_for(rate_mhz));
	json_f("context_switches_per_stroke",
	       ctxt >= 0 ? (double)ctxt / strokes : NAN);
	json_close('}');
out_close:
	close(fd);
out_delete:
	sim_delete(id);
	events_free(&e);
}

static void bench_cost(uint32_t fast_mhz)
{
	unsigned int calls = smoke ? 2000 : 100000;
	uint64_t window = smoke ? 100 * NSEC_PER_MSEC : NSEC_PER_SEC;
	double null_ns, set_ns, status_ns, enotty_ns, idle_rate;
	int64_t iwi, ctxt;
	int id, fd;

	progress("cost: SET_PARAMS against a null syscall");
	json_open("cost", '{');
	id = sim_create("");
	if (id < 0)
		goto out;
	fd = sim_open(id, O_RDWR);
	if (fd >= 0) {
		/* Warm up each path (page faults, first calls) first. */
		time_calls(fd, calls / 10, CALL_NULL);
		time_calls(fd, calls / 10, CALL_SET_DEPTH);
		time_calls(fd, calls / 10, CALL_GET_STATUS);
		time_calls(fd, calls / 10, CALL_ENOTTY);
		null_ns = time_calls(fd, calls, CALL_NULL);
		iwi = irq_work_interrupts();
		ctxt = context_switches();
		set_ns = time_calls(fd, calls, CALL_SET_DEPTH);
		if (iwi >= 0)
			iwi = irq_work_interrupts() - iwi;
		if (ctxt >= 0)
			ctxt = context_switches() - ctxt;
		status_ns = time_calls(fd, calls, CALL_GET_STATUS);
		enotty_ns = time_calls(fd, calls, CALL_ENOTTY);
		json_u64("calls", calls);
		json_f("null_syscall_ns", null_ns);
		json_f("set_depth_ns", set_ns);
		json_f("get_status_ns", status_ns);
		json_f("enotty_ioctl_ns", enotty_ns);
		json_f("set_depth_ratio", set_ns / null_ns);
		json_f("set_depth_irq_work_interrupts_per_call",
		       iwi >= 0 ? (double)iwi / calls : NAN);
		json_f("set_depth_context_switches_per_call",
		       ctxt >= 0 ? (double)ctxt / calls : NAN);
		close(fd);
	}
	sim_delete(id);

	progress("cost: idle baseline");
	idle_rate = hog(window, -1, NULL, 0, NULL);
	json_f("idle_loop_rate", idle_rate);
	json_open("cpu_per_stroke", '[');
	cpu_per_stroke(idle_rate, 300000, true, window);
	if (!smoke) {
		cpu_per_stroke(idle_rate, fast_mhz, true, window);
		cpu_per_stroke(idle_rate, fast_mhz, false, window);
		cpu_per_stroke(idle_rate, CORE_RATE_LIMIT_MHZ, true, window);
	}
	json_close(']');
out:
	json_close('}');
}

/* ---- main ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("pen_bench [--smoke] [--strokes N]\n"
	      "  --smoke       a short run of every measurement, to prove the\n"
	      "                benchmark works (not its figures)\n"
	      "  --strokes N   strokes per timing run (default 10000)\n", f);
}

int main(int argc, char **argv)
{
	struct utsname u;
	char *doc = NULL;
	size_t doc_len = 0;
	unsigned int i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--smoke")) {
			smoke = true;
		} else if (!strcmp(argv[a], "--strokes") && a + 1 < argc) {
			n_strokes = strtoul(argv[++a], NULL, 10);
		} else {
			bool help = !strcmp(argv[a], "--help");

			usage(help ? stdout : stderr);
			return help ? 0 : 2;
		}
	}
	if (smoke && n_strokes == 10000)
		n_strokes = 300;
	if (n_strokes < 20 || n_strokes > 60000) {
		fprintf(stderr, "pen_bench: --strokes: use 20-60000 (the simulator keeps 65536)\n");
		return 2;
	}
	if (access(SIM_BUS "/new_device", W_OK)) {
		fprintf(stderr, "pen_bench: %s: %s (load pen.ko and pen_sim.ko, as root)\n",
			SIM_BUS "/new_device", strerror(errno));
		return 1;
	}
	uname(&u);
	jout = open_memstream(&doc, &doc_len);
	if (!jout) {
		perror("pen_bench: open_memstream");
		return 1;
	}

	json_open(NULL, '{');
	json_str("mode", smoke ? "smoke" : "full");
	json_str("kernel_release", u.release);
	json_str("kernel_version", u.version);
	json_u64("cpus", sysconf(_SC_NPROCESSORS_ONLN));
	json_u64("strokes_per_run", n_strokes);
	json_bool("cyclictest_present", have_cyclictest());

	bench_stroke_timing();
	json_u64("sim_rate_max_mhz", sim_rate_max_mhz);
	bench_capacity();
	bench_stop_latency(sim_rate_max_mhz, smoke ? 2 : 50);
	json_open("setpoint_latency", '[');
	if (smoke) {
		bench_setpoint(300000, 3);
	} else {
		bench_setpoint(50000, 50);
		bench_setpoint(120000, 50);
		bench_setpoint(300000, 50);
	}
	json_close(']');
	bench_cost(5000000);

	json_open("errors", '[');
	for (i = 0; i < n_errors && i < MAX_ERRORS; i++)
		json_str(NULL, errors[i]);
	json_close(']');
	json_close('}');
	if (fclose(jout)) {
		perror("pen_bench: open_memstream");
		return 1;
	}
	printf("PEN_BENCH_JSON_BEGIN%s\nPEN_BENCH_JSON_END\n", doc);
	free(doc);
	if (n_errors)
		fprintf(stderr, "pen_bench: %u error(s): the figures are incomplete\n",
			n_errors);
	return n_errors ? 1 : 0;
}
