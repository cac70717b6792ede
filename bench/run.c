// SPDX-License-Identifier: GPL-2.0
/*
 * One run of the stroke loop on a simulated pen of its own, and what its
 * records say: lateness against the absolute schedule, drift, missed
 * strokes, checked against the simulator's record and the driver's
 * counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

/*
 * The stroke thread's lead and wake-ups (debugfs pen/penN/wakeups) of
 * simulated pen @id, into @r; nothing if they cannot be read.
 */
static void read_wakeups(int id, struct run *r)
{
	int pen = sim_pen_index(id);
	struct pen_wakeups w;

	if (pen < 0 || pen_wakeups_of(pen, &w) || w.lead_ns < 0 ||
	    w.mean_ns < 0 || w.max_ns < 0)
		return;
	r->have_wake = true;
	r->lead_ns = w.lead_ns;
	r->wake_mean_ns = w.mean_ns;
	r->wake_max_ns = w.max_ns;
}

/*
 * Run @r->strokes strokes on a simulated pen of its own, reading the
 * event stream meanwhile. The pen's cartridge is good for exactly that
 * many strokes, so the loop stops itself at the stroke boundary after
 * the last one (CARTRIDGE_SPENT), and no userspace timing decides the
 * run's length. The reader reads in batches of about a quarter of its
 * ring, so that its wake-ups disturb the loop as little as a careful
 * controller's would. With @r->threaded the pen says its calls may
 * sleep, so the core makes its strokes from the stroke thread. With
 * @r->vcm the pen is pen_vcm's on a test bench whose PWM may sleep
 * (@r->threaded) or never does.
 */
int run_strokes(struct run *r)
{
	uint64_t period = period_of(r->rate_mhz);
	uint64_t nap = period * (PEN_EVENT_RING_SIZE / 4);
	uint64_t deadline;
	char opts[160], rate_max[32] = "";
	int id, fd, ret = -1;
	size_t i, from;
	bool stopped = false;

	if (nap > NSEC_PER_SEC)
		nap = NSEC_PER_SEC;
	if (r->rate_max_mhz)
		snprintf(rate_max, sizeof(rate_max), "rate_max_mhz=%u ",
			 r->rate_max_mhz);
	/*
	 * threaded=0 too: not whatever pen_sim's module parameter says; a
	 * bench's pen is on the stroke thread unless its PWM never sleeps.
	 */
	snprintf(opts, sizeof(opts), "%slag_us=%u cartridge_budget=%u %s=%d",
		 rate_max, r->lag_us, r->strokes,
		 r->vcm ? "pwm_atomic" : "threaded",
		 r->vcm ? !r->threaded : r->threaded);
	id = bench_sim_create(opts);
	if (id < 0)
		return -1;
	fd = bench_sim_open(id, O_RDWR);
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
	r->nsim = bench_sim_strokes(id, &r->sim);
	if (r->threaded)
		read_wakeups(id, r);
	if (r->nsim >= 0)
		ret = 0;
out_close:
	close(fd);
out_delete:
	bench_sim_delete(id);
	return ret;
}

void run_free(struct run *r)
{
	events_free(&r->evs);
	free(r->sim);
	r->sim = NULL;
}

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
int analyse(const struct run *r, struct run_stats *s)
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

void json_run_stats(const struct run *r, const struct run_stats *s)
{
	tool_json_u64(bench_json, "rate_mhz", r->rate_mhz);
	tool_json_f(bench_json, "rate_hz", r->rate_mhz / 1000.0);
	tool_json_bool(bench_json, "threaded", r->threaded);
	tool_json_str(bench_json, "backend", r->vcm ? "pen_vcm" : "pen_sim");
	tool_json_u64(bench_json, "period_ns", period_of(r->rate_mhz));
	tool_json_u64(bench_json, "strokes_asked", r->strokes);
	tool_json_u64(bench_json, "strokes", s->issued);
	tool_json_u64(bench_json, "missed", s->missed);
	tool_json_str(bench_json, "stop_reason", stop_reason_name(s->stop_reason));
	tool_json_str(bench_json, "fault", fault_name(s->fault));
	tool_json_u64(bench_json, "lag_us", r->lag_us);
	tool_json_u64(bench_json, "events_lost", s->lost);
	tool_json_u64(bench_json, "unmeasured", s->unmeasured);
	json_dist("lateness_ns", &s->lateness);
	tool_json_i64(bench_json, "schedule_error_ns", s->schedule_ns);
	tool_json_i64(bench_json, "drift_ns", s->drift_ns);
	if (r->have_wake) {
		tool_json_open(bench_json, "stroke_thread", '{');
		tool_json_u64(bench_json, "lead_ns", r->lead_ns);
		tool_json_u64(bench_json, "wake_mean_ns", r->wake_mean_ns);
		tool_json_u64(bench_json, "wake_max_ns", r->wake_max_ns);
		tool_json_close(bench_json);
	}
	tool_json_open(bench_json, "sim", '{');
	tool_json_u64(bench_json, "strokes", r->nsim > 0 ? r->nsim : 0);
	tool_json_u64(bench_json, "matched", s->sim_strokes);
	tool_json_u64(bench_json, "mismatched", s->sim_mismatched);
	json_dist("issue_to_command_ns", &s->hw_delay);
	json_dist("lateness_ns", &s->sim_lateness);
	tool_json_i64(bench_json, "drift_ns", s->sim_drift_ns);
	tool_json_close(bench_json);
}
