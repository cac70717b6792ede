/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pen_bench's shared declarations: the constants of the runs, the options,
 * and what each file offers the others. main.c says what the program
 * measures and how; each measurement family has a file of its own.
 */
#ifndef PEN_BENCH_H
#define PEN_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/pen.h>

/* The simulated pens, driven as the selftests drive them. */
#include "sim_util.h"

#include <tool.h>

/* The core refuses backends faster than this (kernel/pen-backend.h). */
#define CORE_RATE_LIMIT_MHZ	50000000U
/* The simulator's fastest rate unless told otherwise (docs/pen_sim.md). */
#define SIM_DEFAULT_RATE_MAX_MHZ 300000U
#define DEPTH_UM		500U
#define DEPTH_ALT_UM		600U

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define NSEC_PER_SEC		1000000000ULL
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_USEC		1000ULL

/* The options (main.c). */
extern bool smoke;
extern unsigned int n_strokes;

/* ---- util.c: errors, time, distributions ------------------------------ */

/* Their formats are checked as printf()'s are. */
void bench_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned int bench_errors(void);
void json_errors(void);

uint64_t now_ns(void);
void sleep_ns(uint64_t ns);
uint64_t period_of(uint32_t rate_mhz);
unsigned int lag_for(uint32_t rate_mhz);
double next_phase(void);

/*
 * A histogram of DIST_BINS bins of DIST_BIN_NS from 0, and one for what
 * lies beyond (negative values count in the first): enough for the
 * plots' latencies, 0 to 50 us.
 */
#define DIST_BIN_NS	250
#define DIST_BINS	200

struct dist {
	size_t n;
	int64_t min, p50, p99, p999, max;
	double mean;
	uint32_t hist[DIST_BINS + 1];
};

struct dist dist_of(int64_t *v, size_t n);

/* ---- json.c: the JSON document ---------------------------------------- */

/*
 * The one document a run writes, a value at a time with tool_json_*()
 * (tools/common/tool.h), from json_begin() to json_print().
 */
extern struct tool_json *bench_json;

int json_begin(void);
int json_print(void);
void json_dist(const char *key, const struct dist *d);

/* ---- sim.c: the simulated pen, and the pen's ioctls and events -------- */

/* pen_bench's own pens on selftests/sim_util.c, errors reported. */
int bench_sim_create(const char *opts);
void bench_sim_delete(int id);
int bench_sim_open(int id, int flags);
int64_t bench_sim_state(int id, const char *key);
long bench_sim_strokes(int id, struct sim_stroke **out);
int bench_sim_inject(int id, const char *cmd);

int set_params(int fd, uint32_t mask, uint32_t depth_um, uint32_t rate_mhz);
int pen_cmd(int fd, unsigned long cmd, const char *name);
int get_status(int fd, struct pen_status *st);

/* A growing array of event records. */
struct events {
	struct pen_event *ev;
	size_t n, cap;
};

void events_free(struct events *e);
int events_read(int fd, struct events *e);
int events_drain(int fd, struct events *e);

/* ---- run.c: one run of the stroke loop, and its analysis -------------- */

struct run {
	/* asked for */
	uint32_t rate_mhz;
	unsigned int strokes;
	unsigned int lag_us;
	uint32_t rate_max_mhz;		/* 0: the simulator's default */
	bool threaded;			/* the core's stroke thread drives it */
	bool vcm;			/* pen_vcm on the test bench */
	/* what happened */
	struct events evs;
	struct sim_stroke *sim;
	long nsim;
	struct pen_status st;
	struct pen_info info;
	/* the stroke thread's (debugfs wakeups), when threaded */
	bool have_wake;
	uint64_t lead_ns, wake_mean_ns, wake_max_ns;
};

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

int run_strokes(struct run *r);
void run_free(struct run *r);
int analyse(const struct run *r, struct run_stats *s);
void json_run_stats(const struct run *r, const struct run_stats *s);

/* ---- cyclictest.c ----------------------------------------------------- */

bool have_cyclictest(void);
pid_t cyclictest_start(unsigned int interval_us, unsigned int loops);
double cyclictest_beside(unsigned int interval_us, uint64_t window_ns,
			 double (*hog)(uint64_t ns), uint64_t *cycles);
int cyclictest_finish(pid_t pid, unsigned int loops, struct dist *d);
void json_cyclictest(unsigned int interval_us, unsigned int loops,
		     const struct dist *d, const struct dist *ours);

/* ---- the measurements ------------------------------------------------- */

/* timing.c */
uint32_t bench_stroke_timing(void);
void bench_capacity(void);
/* latency.c */
struct stop_bench {
	const char *key;		/* its object in the document */
	bool vcm;			/* pen_vcm on the test bench, else pen_sim */
	bool threaded;			/* on the core's stroke thread */
};

void bench_stop_latency(const struct stop_bench *b, uint32_t rate_mhz,
			unsigned int trials);
void bench_setpoint(uint32_t rate_mhz, unsigned int trials);
/* cost.c */
void bench_cost(uint32_t fast_mhz);
double bench_busy_loop(uint64_t ns);
/* scaling.c */
void bench_scaling(void);
/* actuation.c */
void bench_actuation(void);

#endif /* PEN_BENCH_H */
