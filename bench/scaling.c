// SPDX-License-Identifier: GPL-2.0
/*
 * How the cost grows: CPU per stroke and lateness with 1, 4, 16 and 64
 * readers of one pen's event stream, and with 1, 8 and 32 pens running
 * at once, all at 300 Hz on the hard-irq path. Each reader is a thread
 * that reads its own open file of the pen as soon as poll() says there
 * is something (the heaviest way to read); each must account for every
 * stroke of the run, as a stroke event or in an overflow's count of
 * lost events, or the run is an error: nothing may be lost silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

#define SCALE_RATE_MHZ	300000U
#define SCALE_MAX_PENS	32U
#define SCALE_MAX_READERS 64U

struct reader {
	pthread_t thread;
	int fd;
	struct events e;
	bool failed;
};

/* Until the pen's stopped state comes: every event it sends this file. */
static void *reader_fn(void *arg)
{
	struct reader *rd = arg;
	size_t i, from = 0;

	for (;;) {
		struct pollfd p = { .fd = rd->fd, .events = POLLIN };
		int n = poll(&p, 1, 30000);

		if (n <= 0 || events_read(rd->fd, &rd->e) < 0) {
			if (n <= 0)
				bench_error("a reader waited 30 s for an event");
			rd->failed = true;
			return NULL;
		}
		for (i = from; i < rd->e.n; i++)
			if (rd->e.ev[i].type == PEN_EVENT_STATE &&
			    rd->e.ev[i].state.state == PEN_STATE_STOPPED)
				return NULL;
		from = rd->e.n;
	}
}

struct scale_run {
	unsigned int pens, readers;	/* readers per pen */
	int id[SCALE_MAX_PENS];
	int fd[SCALE_MAX_PENS];		/* the controllers */
	struct reader *rd;		/* pens * readers, pen by pen */
	uint64_t missed, lost;
	double busy_fraction;
	struct dist lateness;
};

/*
 * Reader @r of pen @p: its stroke events and the events it was told it
 * lost must add up to the pen's strokes; its lateness into @lat at @n.
 */
static int reader_account(struct scale_run *s, unsigned int p, unsigned int r,
			  const struct pen_status *st, int64_t *lat, size_t *n)
{
	const struct reader *rd = &s->rd[p * s->readers + r];
	uint64_t strokes = 0, lost = 0;
	size_t i;

	for (i = 0; i < rd->e.n; i++) {
		const struct pen_event *ev = &rd->e.ev[i];

		if (ev->type == PEN_EVENT_OVERFLOW)
			lost += ev->overflow.lost;
		if (ev->type != PEN_EVENT_STROKE)
			continue;
		strokes++;
		/* Every stroke once: the first reader of each pen's. */
		if (!r)
			lat[(*n)++] = ev->stroke.lateness_ns;
	}
	s->lost += lost;
	if (strokes + lost < st->run_strokes) {
		bench_error("%u pens, %u readers: reader %u of pen %u saw %llu strokes and was told of %llu lost, of %llu: lost silently",
			    s->pens, s->readers, r, p,
			    (unsigned long long)strokes,
			    (unsigned long long)lost,
			    (unsigned long long)st->run_strokes);
		return -1;
	}
	return 0;
}

/* Stop every pen, wait for every reader, and add up what they saw. */
static int scale_finish(struct scale_run *s, unsigned int started)
{
	struct pen_status st[SCALE_MAX_PENS];
	unsigned int p, r;
	uint64_t total = 0;
	int64_t *lat;
	size_t n = 0;
	int ret = 0;

	for (p = 0; p < s->pens; p++)
		ioctl(s->fd[p], PEN_IOC_STOP);
	for (r = 0; r < started; r++) {
		pthread_join(s->rd[r].thread, NULL);
		if (s->rd[r].failed)
			ret = -1;
	}
	if (ret || started < s->pens * s->readers)
		return -1;
	for (p = 0; p < s->pens; p++) {
		if (get_status(s->fd[p], &st[p]))
			return -1;
		total += st[p].run_strokes;
		s->missed += st[p].run_missed_strokes;
	}
	lat = calloc(total + 1, sizeof(*lat));
	if (!lat) {
		bench_error("out of memory");
		return -1;
	}
	for (p = 0; p < s->pens; p++)
		for (r = 0; r < s->readers; r++)
			if (reader_account(s, p, r, &st[p], lat, &n))
				ret = -1;
	s->lateness = dist_of(lat, n);
	free(lat);
	return ret;
}

/*
 * @pens pens at 300 Hz, each read by @readers threads, for @window of
 * guest time while a busy loop measures the CPU they take together.
 */
static void scale_point(double idle_rate, unsigned int pens,
			unsigned int readers, uint64_t window)
{
	struct scale_run s = { .pens = pens, .readers = readers };
	uint64_t period = period_of(SCALE_RATE_MHZ), before = 0, after = 0;
	/* Long enough a cartridge for the window, the start and the stop. */
	uint64_t budget = 4 * (window / period) + 1000;
	unsigned int p, r, started = 0;
	struct pen_status st;
	char opts[96];
	double rate;

	progress("scaling: %u pens, %u readers each, at 300 Hz", pens, readers);
	for (p = 0; p < pens; p++)
		s.id[p] = s.fd[p] = -1;
	s.rd = calloc(pens * readers, sizeof(*s.rd));
	if (!s.rd) {
		bench_error("out of memory");
		return;
	}
	for (r = 0; r < pens * readers; r++)
		s.rd[r].fd = -1;
	snprintf(opts, sizeof(opts), "cartridge_budget=%llu threaded=0",
		 (unsigned long long)budget);
	for (p = 0; p < pens; p++) {
		s.id[p] = bench_sim_create(opts);
		if (s.id[p] < 0)
			goto out;
		s.fd[p] = bench_sim_open(s.id[p], O_RDWR);
		if (s.fd[p] < 0 ||
		    set_params(s.fd[p], PEN_PARAM_ALL, DEPTH_UM, SCALE_RATE_MHZ))
			goto out;
		for (r = 0; r < readers; r++) {
			struct reader *rd = &s.rd[p * readers + r];

			rd->fd = bench_sim_open(s.id[p], O_RDONLY);
			if (rd->fd < 0)
				goto out;
		}
	}
	for (r = 0; r < pens * readers; r++, started++)
		if (pthread_create(&s.rd[r].thread, NULL, reader_fn, &s.rd[r])) {
			bench_error("cannot start a reader thread");
			goto finish;
		}
	for (p = 0; p < pens; p++)
		if (pen_cmd(s.fd[p], PEN_IOC_START, "START"))
			goto finish;
	/* Past the starts, and their first strokes. */
	sleep_ns(10 * period);
	for (p = 0; p < pens; p++) {
		if (get_status(s.fd[p], &st))
			goto finish;
		before += st.run_strokes;
	}
	rate = bench_busy_loop(window);
	for (p = 0; p < pens; p++) {
		if (get_status(s.fd[p], &st))
			goto finish;
		after += st.run_strokes;
	}
	if (scale_finish(&s, started))
		goto out;
	started = 0;
	if (after == before || !isfinite(rate)) {
		bench_error("scaling: no strokes in the window");
		goto out;
	}
	s.busy_fraction = 1.0 - rate / idle_rate;
	tool_json_open(bench_json, NULL, '{');
	tool_json_u64(bench_json, "pens", pens);
	tool_json_u64(bench_json, "readers_per_pen", readers);
	tool_json_u64(bench_json, "rate_mhz", SCALE_RATE_MHZ);
	tool_json_u64(bench_json, "window_ns", window);
	tool_json_u64(bench_json, "strokes_in_window", after - before);
	tool_json_u64(bench_json, "missed", s.missed);
	tool_json_u64(bench_json, "events_lost", s.lost);
	tool_json_f(bench_json, "busy_fraction", s.busy_fraction);
	tool_json_f(bench_json, "cpu_ns_per_stroke",
		    s.busy_fraction * window / (after - before));
	json_dist("lateness_ns", &s.lateness);
	tool_json_close(bench_json);
finish:
	if (started)
		scale_finish(&s, started);
out:
	for (p = 0; p < pens; p++) {
		for (r = 0; r < readers; r++) {
			struct reader *rd = &s.rd[p * readers + r];

			if (rd->fd >= 0)
				close(rd->fd);
			events_free(&rd->e);
		}
		if (s.fd[p] >= 0)
			close(s.fd[p]);
		if (s.id[p] >= 0)
			bench_sim_delete(s.id[p]);
	}
	free(s.rd);
}

void bench_scaling(void)
{
	static const unsigned int readers[] = { 1, 4, 16, SCALE_MAX_READERS };
	static const unsigned int pens[] = { 1, 8, SCALE_MAX_PENS };
	uint64_t window = smoke ? 100 * NSEC_PER_MSEC : 2 * NSEC_PER_SEC;
	double idle_rate;
	unsigned int i;

	tool_json_open(bench_json, "scaling", '{');
	progress("scaling: idle baseline");
	idle_rate = bench_busy_loop(window);
	tool_json_f(bench_json, "idle_loop_rate", idle_rate);
	tool_json_open(bench_json, "readers", '[');
	for (i = 0; i < ARRAY_SIZE(readers); i++)
		scale_point(idle_rate, 1, readers[i], window);
	tool_json_close(bench_json);
	tool_json_open(bench_json, "pens", '[');
	for (i = 0; i < ARRAY_SIZE(pens); i++)
		scale_point(idle_rate, pens[i], 1, window);
	tool_json_close(bench_json);
	tool_json_close(bench_json);
}
