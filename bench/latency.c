// SPDX-License-Identifier: GPL-2.0
/*
 * Stop latency (STOP, close of the controller and a hardware fault, from
 * the cause to the drive-off time the simulator or the test bench
 * records) and setpoint latency
 * (SET_PARAMS (depth) returning to the first stroke at the new depth).
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

/* ---- stop latency ----------------------------------------------------- */

enum stop_cause { STOP_IOCTL, STOP_CLOSE, STOP_FAULT, STOP_CAUSES };

static const char * const stop_cause_names[] = {
	[STOP_IOCTL] = "stop_ioctl",
	[STOP_CLOSE] = "close",
	[STOP_FAULT] = "overcurrent_fault",
};

/*
 * Where each pen says the drive went off: pen_sim's drive; the bench's
 * enable line first (its drive_off_ns), then its PWM.
 */
enum stop_witness { OFF_DRIVE, OFF_PWM, OFF_WITNESSES };

static const char * const off_keys[] = {
	[OFF_DRIVE] = "drive_off_ns", [OFF_PWM] = "pwm_off_ns",
};

static const char * const off_json[] = {
	[OFF_DRIVE] = "latency_ns", [OFF_PWM] = "pwm_latency_ns",
};

/*
 * Cause @c on the running pen @id (@fd its controller, -1 once closed):
 * its time, or -1. pen_sim reports an overcurrent the moment it is
 * injected; pen_vcm finds it at its next sample, cuts its enable line
 * and reports it, so the figure includes the wait for that sample.
 */
static int64_t stop_cause(const struct stop_bench *b, enum stop_cause c,
			  int id, int *fd)
{
	struct pen_status st;
	int64_t cause = -1;
	int i;

	switch (c) {
	case STOP_IOCTL:
		cause = now_ns();
		if (pen_cmd(*fd, PEN_IOC_STOP, "STOP"))
			return -1;
		break;
	case STOP_CLOSE:
		cause = now_ns();
		close(*fd);
		*fd = -1;
		break;
	case STOP_FAULT:
		if (bench_sim_inject(id, b->vcm ? "overcurrent 1500" :
					"overcurrent 5000"))
			return -1;
		cause = bench_sim_state(id, "inject_ns");
		/* The next sample, at most a period and a reach time away. */
		for (i = 0; b->vcm && i < 1000; i++) {
			if (get_status(*fd, &st))
				return -1;
			if (st.state == PEN_STATE_STOPPED)
				break;
			sleep_ns(NSEC_PER_MSEC);
		}
		if (b->vcm && bench_sim_inject(id, "reset"))
			return -1;
		if (pen_cmd(*fd, PEN_IOC_CLEAR_FAULT, "CLEAR_FAULT"))
			return -1;
		break;
	default:
		break;
	}
	return cause;
}

/*
 * From the cause to the pen's drive-off time, @trials times per cause,
 * each at another phase of the stroke loop. The cause's time is taken
 * right before the syscall that makes it, or for a fault is the
 * simulator's own inject_ns. On the stroke thread the drive is cut by
 * the thread or by the stopping task, not where the stop is decided:
 * that path has a figure of its own. pen_vcm's is witnessed at its
 * enable line and its PWM, both.
 */
void bench_stop_latency(const struct stop_bench *b, uint32_t rate_mhz,
			unsigned int trials)
{
	unsigned int c, t, w, witnesses = b->vcm ? OFF_WITNESSES : 1;
	uint64_t period = period_of(rate_mhz);
	int64_t *lat[OFF_WITNESSES] = {
		calloc(trials, sizeof(int64_t)), calloc(trials, sizeof(int64_t)),
	};
	int id = -1, fd = -1;
	char opts[64];

	tool_json_open(bench_json, b->key, '{');
	tool_json_bool(bench_json, "threaded", b->threaded);
	tool_json_str(bench_json, "backend", b->vcm ? "pen_vcm" : "pen_sim");
	tool_json_u64(bench_json, "rate_mhz", rate_mhz);
	tool_json_u64(bench_json, "period_ns", period);
	tool_json_u64(bench_json, "trials", trials);
	snprintf(opts, sizeof(opts), "cartridge_budget=100000000 %s=%d",
		 b->vcm ? "pwm_atomic" : "threaded",
		 b->vcm ? !b->threaded : b->threaded);
	if (lat[0] && lat[1])
		id = bench_sim_create(opts);
	if (id < 0)
		goto out;
	fd = bench_sim_open(id, O_RDWR);
	if (fd < 0 || set_params(fd, PEN_PARAM_ALL, DEPTH_UM, rate_mhz))
		goto out;

	for (c = 0; c < STOP_CAUSES; c++) {
		unsigned int n = 0;

		progress("stop latency: %s, %s%s", stop_cause_names[c],
			 b->vcm ? "pen_vcm" : "pen_sim",
			 b->threaded ? ", threaded" : "");
		for (t = 0; t < trials; t++) {
			int64_t cause, off;

			if (fd < 0) {
				fd = bench_sim_open(id, O_RDWR);
				if (fd < 0)
					goto out;
			}
			if (pen_cmd(fd, PEN_IOC_START, "START"))
				goto out;
			sleep_ns(3 * period + next_phase() * period);
			cause = stop_cause(b, c, id, &fd);
			for (w = 0; w < witnesses; w++) {
				off = bench_sim_state(id, off_keys[w]);
				if (cause <= 0 || off < cause) {
					bench_error("%s: %s at %lld, before its cause at %lld",
						    stop_cause_names[c], off_keys[w],
						    (long long)off, (long long)cause);
					goto out;
				}
				lat[w][n] = off - cause;
			}
			n++;
		}
		tool_json_open(bench_json, stop_cause_names[c], '{');
		for (w = 0; w < witnesses; w++) {
			struct dist d = dist_of(lat[w], n);

			json_dist(off_json[w], &d);
			if (w == OFF_DRIVE)
				tool_json_f(bench_json, "max_periods",
					    (double)d.max / period);
		}
		tool_json_close(bench_json);
	}
out:
	if (fd >= 0)
		close(fd);
	if (id >= 0)
		bench_sim_delete(id);
	free(lat[0]);
	free(lat[1]);
	tool_json_close(bench_json);
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
void bench_setpoint(uint32_t rate_mhz, unsigned int trials)
{
	uint64_t period = period_of(rate_mhz);
	int64_t *lat = calloc(trials, sizeof(*lat));
	unsigned int t, n = 0, exact = 0, waited;
	uint32_t depth = DEPTH_UM, old;
	struct events e = { 0 };
	struct dist d;
	int id, fd = -1;

	progress("setpoint latency at %.0f Hz", rate_mhz / 1000.0);
	tool_json_open(bench_json, NULL, '{');
	tool_json_u64(bench_json, "rate_mhz", rate_mhz);
	tool_json_u64(bench_json, "period_ns", period);
	tool_json_u64(bench_json, "trials", trials);
	id = lat ? bench_sim_create("cartridge_budget=100000000") : -1;
	if (id < 0)
		goto out;
	fd = bench_sim_open(id, O_RDWR);
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
		bench_sim_delete(id);
	d = dist_of(lat, n);
	json_dist("latency_ns", &d);
	tool_json_f(bench_json, "max_periods", d.n ? (double)d.max / period : NAN);
	tool_json_u64(bench_json, "exactly_one_boundary", exact);
	tool_json_close(bench_json);
	free(lat);
	events_free(&e);
}
