// SPDX-License-Identifier: GPL-2.0
/*
 * Cost: SET_PARAMS against a null syscall (and the ioctls that show where
 * its time goes), and the CPU time per stroke, from how much of the CPU a
 * busy loop loses while the pen runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

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

/*
 * CPU time per stroke at @rate_mhz, reading the events or not, on the
 * hard-irq path or the stroke thread (@threaded: its wake-up, the switch
 * and the rest of its lead it waits out are counted too).
 */
static void cpu_per_stroke(double idle_rate, uint32_t rate_mhz, bool read,
			   bool threaded, uint64_t window)
{
	uint64_t period = period_of(rate_mhz), strokes = 0;
	struct events e = { 0 };
	double rate, busy_ns;
	int64_t ctxt;
	char opts[128];
	int id, fd;

	progress("CPU per stroke at %.0f Hz%s%s", rate_mhz / 1000.0,
		 read ? ", reading events" : "",
		 threaded ? ", stroke thread" : "");
	snprintf(opts, sizeof(opts),
		 "rate_max_mhz=%u lag_us=%u cartridge_budget=100000000 threaded=%d",
		 rate_mhz > SIM_DEFAULT_RATE_MAX_MHZ ? rate_mhz :
		 SIM_DEFAULT_RATE_MAX_MHZ, lag_for(rate_mhz), threaded);
	id = bench_sim_create(opts);
	if (id < 0)
		return;
	fd = bench_sim_open(id, O_RDWR);
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
	tool_json_open(bench_json, NULL, '{');
	tool_json_u64(bench_json, "rate_mhz", rate_mhz);
	tool_json_bool(bench_json, "reading_events", read);
	tool_json_bool(bench_json, "threaded", threaded);
	tool_json_u64(bench_json, "window_ns", window);
	tool_json_u64(bench_json, "strokes", strokes);
	tool_json_f(bench_json, "busy_fraction", 1.0 - rate / idle_rate);
	tool_json_f(bench_json, "cpu_ns_per_stroke", busy_ns / strokes);
	tool_json_u64(bench_json, "lag_us", lag_for(rate_mhz));
	tool_json_f(bench_json, "context_switches_per_stroke",
	       ctxt >= 0 ? (double)ctxt / strokes : NAN);
	tool_json_close(bench_json);
out_close:
	close(fd);
out_delete:
	bench_sim_delete(id);
	events_free(&e);
}

/* The busy loop alone: for an idle baseline, cyclictest_beside(), scaling. */
double bench_busy_loop(uint64_t ns)
{
	return hog(ns, -1, NULL, 0, NULL);
}

/*
 * cyclictest's CPU per cycle at @rate_mhz, measured as the pen's CPU per
 * stroke: what its loop takes from the busy loop, over its cycles.
 */
static void cyclictest_cpu_per_cycle(double idle_rate, uint32_t rate_mhz,
				     uint64_t window)
{
	unsigned int interval_us = period_of(rate_mhz) / 1000;
	uint64_t cycles = 0;
	double rate;

	if (!have_cyclictest())
		return;
	progress("CPU per cycle of cyclictest at %.0f Hz", rate_mhz / 1000.0);
	rate = cyclictest_beside(interval_us, window, bench_busy_loop, &cycles);
	if (!isfinite(rate) || !cycles)
		return;
	tool_json_open(bench_json, "cyclictest_cpu_per_cycle", '{');
	tool_json_u64(bench_json, "rate_mhz", rate_mhz);
	tool_json_u64(bench_json, "interval_us", interval_us);
	tool_json_u64(bench_json, "window_ns", window);
	tool_json_u64(bench_json, "cycles", cycles);
	tool_json_f(bench_json, "busy_fraction", 1.0 - rate / idle_rate);
	tool_json_f(bench_json, "cpu_ns_per_cycle",
		    (1.0 - rate / idle_rate) * window / cycles);
	tool_json_close(bench_json);
}

/*
 * SET_PARAMS against a null syscall; then the CPU per stroke at 300 Hz
 * and, on a full run, at @fast_mhz (reading the events or not) and at
 * the core's limit.
 */
void bench_cost(uint32_t fast_mhz)
{
	unsigned int calls = smoke ? 2000 : 100000;
	uint64_t window = smoke ? 100 * NSEC_PER_MSEC : NSEC_PER_SEC;
	double null_ns, set_ns, status_ns, enotty_ns, idle_rate;
	int64_t iwi, ctxt;
	int id, fd;

	progress("cost: SET_PARAMS against a null syscall");
	tool_json_open(bench_json, "cost", '{');
	id = bench_sim_create("");
	if (id < 0)
		goto out;
	fd = bench_sim_open(id, O_RDWR);
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
		tool_json_u64(bench_json, "calls", calls);
		tool_json_f(bench_json, "null_syscall_ns", null_ns);
		tool_json_f(bench_json, "set_depth_ns", set_ns);
		tool_json_f(bench_json, "get_status_ns", status_ns);
		tool_json_f(bench_json, "enotty_ioctl_ns", enotty_ns);
		tool_json_f(bench_json, "set_depth_ratio", set_ns / null_ns);
		tool_json_f(bench_json, "set_depth_irq_work_interrupts_per_call",
		       iwi >= 0 ? (double)iwi / calls : NAN);
		tool_json_f(bench_json, "set_depth_context_switches_per_call",
		       ctxt >= 0 ? (double)ctxt / calls : NAN);
		close(fd);
	}
	bench_sim_delete(id);

	progress("cost: idle baseline");
	idle_rate = bench_busy_loop(window);
	tool_json_f(bench_json, "idle_loop_rate", idle_rate);
	tool_json_open(bench_json, "cpu_per_stroke", '[');
	cpu_per_stroke(idle_rate, 300000, true, false, window);
	cpu_per_stroke(idle_rate, 300000, true, true, window);
	if (!smoke) {
		cpu_per_stroke(idle_rate, fast_mhz, true, false, window);
		cpu_per_stroke(idle_rate, fast_mhz, false, false, window);
		cpu_per_stroke(idle_rate, CORE_RATE_LIMIT_MHZ, true, false,
			       window);
	}
	tool_json_close(bench_json);
	cyclictest_cpu_per_cycle(idle_rate, 300000, window);
out:
	tool_json_close(bench_json);
}
