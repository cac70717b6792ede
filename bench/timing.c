// SPDX-License-Identifier: GPL-2.0
/*
 * Stroke timing (N strokes at 50, 120 and 300 Hz and the simulator's
 * fastest rate, on the hard-irq path and on the core's stroke thread,
 * each followed by cyclictest at the same period, and one hard-irq run
 * with cyclictest beside) and capacity (the fastest rate that runs N
 * strokes with none missed).
 */
#include <sys/types.h>

#include "bench.h"

/* ---- stroke timing ---------------------------------------------------- */

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
	tool_json_open(bench_json, NULL, '{');
	json_run_stats(&r, &s);
	tool_json_bool(bench_json, "sim_rate_max", r.rate_mhz == r.info.rate_max_mhz);
	tool_json_bool(bench_json, "with_cyclictest", true);
	json_cyclictest(interval_us, n_strokes, &cd, &s.lateness);
	tool_json_close(bench_json);
	run_free(&r);
}

/* The path a run's strokes take, for the progress lines. */
static const char *path_name(bool threaded)
{
	return threaded ? "the stroke thread" : "hard irq";
}

/*
 * One timing run at @rate_mhz on the hard-irq path or the stroke thread,
 * then cyclictest at the same period (@ct: if it is installed), as one
 * entry of "stroke_timing". The pen's info in @info if the run was made.
 */
static int stroke_timing_alone(uint32_t rate_mhz, bool threaded, bool ct,
			       struct pen_info *info)
{
	struct run r = {
		.rate_mhz = rate_mhz, .strokes = n_strokes,
		.lag_us = lag_for(rate_mhz), .threaded = threaded,
	};
	/* cyclictest sleeps whole microseconds; 120 Hz is 8333. */
	unsigned int interval_us = (period_of(rate_mhz) + 500) / 1000;
	unsigned int loops = smoke ? 100 : n_strokes;
	struct run_stats s;
	struct dist cd;
	pid_t pid = -1;

	progress("stroke timing: %u strokes at %.0f Hz, %s", n_strokes,
		 rate_mhz / 1000.0, path_name(threaded));
	if (run_strokes(&r) || analyse(&r, &s)) {
		run_free(&r);
		return -1;
	}
	*info = r.info;
	tool_json_open(bench_json, NULL, '{');
	json_run_stats(&r, &s);
	tool_json_bool(bench_json, "sim_rate_max", r.rate_mhz == r.info.rate_max_mhz);
	tool_json_bool(bench_json, "with_cyclictest", false);
	if (ct) {
		progress("cyclictest: %u loops of %u us", loops, interval_us);
		pid = cyclictest_start(interval_us, loops);
	}
	if (pid > 0 && !cyclictest_finish(pid, loops, &cd))
		json_cyclictest(interval_us, loops, &cd, &s.lateness);
	else
		tool_json_null(bench_json, "cyclictest");
	tool_json_close(bench_json);
	run_free(&r);
	return 0;
}

/*
 * The timing runs, each path at each rate and cyclictest after each; the
 * simulator's fastest rate, as the first run's pen reports it (its
 * default if that failed), for the measurements that follow. The
 * stroke thread's runs come right after the hard-irq ones at the same
 * rate, so that the table can set them side by side.
 */
uint32_t bench_stroke_timing(void)
{
	uint32_t rates[4] = { 50000, 120000, 300000 };
	uint32_t sim_rate_max_mhz = SIM_DEFAULT_RATE_MAX_MHZ;
	unsigned int nrates = 3, i;
	bool ct = have_cyclictest(), known = false;
	struct pen_info info;
	int threaded;

	if (smoke)
		rates[0] = 300000, nrates = 1;

	tool_json_open(bench_json, "stroke_timing", '[');
	for (i = 0; i < nrates; i++) {
		for (threaded = 0; threaded <= 1; threaded++) {
			if (stroke_timing_alone(rates[i], threaded, ct, &info))
				continue;
			if (!known)
				sim_rate_max_mhz = info.rate_max_mhz;
			known = true;
		}
		/*
		 * The simulator's fastest rate: if it is not one of ours,
		 * it gets a run too (it is 300 Hz unless pen_sim changes).
		 */
		if (i == nrates - 1 && !smoke &&
		    sim_rate_max_mhz != rates[i] && nrates < 4)
			rates[nrates++] = sim_rate_max_mhz;
	}
	if (ct && !smoke)
		stroke_timing_together(300000);
	tool_json_close(bench_json);
	return sim_rate_max_mhz;
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
	tool_json_open(bench_json, NULL, '{');
	json_run_stats(&r, &s);
	tool_json_bool(bench_json, "sustained", sustained);
	tool_json_close(bench_json);
	run_free(&r);
	return sustained;
}

/*
 * Up a ladder of rates to the first the loop cannot sustain, then closer
 * to the fastest it can; a smoke run makes one run only.
 */
void bench_capacity(void)
{
	static const uint32_t ladder_hz[] = {
		1000, 2000, 5000, 10000, 20000, 50000,
	};
	uint32_t best = 0, worst = 0, lo, hi, mid;
	unsigned int i, steps;
	bool ok, limit_done = false;

	tool_json_open(bench_json, "capacity", '{');
	tool_json_u64(bench_json, "core_limit_mhz", CORE_RATE_LIMIT_MHZ);
	tool_json_u64(bench_json, "strokes", n_strokes);
	tool_json_open(bench_json, "runs", '[');
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
	tool_json_close(bench_json);
	tool_json_u64(bench_json, "capacity_mhz", best);
	tool_json_u64(bench_json, "first_unsustained_mhz", worst);
	tool_json_close(bench_json);
}
