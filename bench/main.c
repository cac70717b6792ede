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
 *    fastest rate, if that is another), on the hard-irq path and on the
 *    core's stroke thread (a pen whose calls may sleep): lateness against
 *    the absolute schedule, drift, missed strokes, from the stroke
 *    records, checked against the simulator's record; then cyclictest at
 *    the same period after each;
 *  - capacity: the fastest rate that runs N strokes with none missed;
 *  - stop latency: STOP, close of the controller and a hardware fault,
 *    from the cause to the simulator's drive-off time, on both paths;
 *  - setpoint latency: SET_PARAMS (depth) returning to the first stroke
 *    at the new depth;
 *  - cost: SET_PARAMS against a null syscall; CPU time per stroke;
 *  - scaling: CPU per stroke and lateness with 1 to 64 readers of one
 *    pen, and 1 to 32 pens at once, at 300 Hz;
 *  - actuation: pen_vcm on its test bench, on both paths: when the PWM
 *    takes each stroke's duty, and its drive-off at the enable line and
 *    the PWM.
 *
 * Guest time must be deterministic for the figures to mean anything:
 * scripts/bench boots the guest under qemu -icount with one vCPU.
 *
 * This file holds the options and the order of the measurements; the
 * rest is in timing.c (stroke timing, capacity), latency.c (stop,
 * setpoint), cost.c, scaling.c, actuation.c (pen_vcm on its test
 * bench), run.c (one run of the stroke loop and its analysis),
 * cyclictest.c, sim.c (the simulated pen, the pen's ioctls and events),
 * json.c (the document) and util.c (errors, time, distributions);
 * bench.h declares what they share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

/* The options: a short run of each measurement; strokes per timing run. */
bool smoke;
unsigned int n_strokes = 10000;

static void usage(FILE *f)
{
	fputs("pen_bench [--smoke] [--strokes N]\n"
	      "  --smoke       a short run of every measurement, to prove the\n"
	      "                benchmark works (not its figures)\n"
	      "  --strokes N   strokes per timing run (default 10000)\n", f);
}

int main(int argc, char **argv)
{
	uint32_t sim_rate_max_mhz;
	struct utsname u;
	char bus[128];
	int a;

	tool_set_name("pen_bench");
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
		tool_error("--strokes: use 20-60000 (the simulator keeps 65536)");
		return 2;
	}
	if (access(sim_bus_file(bus, sizeof(bus), "new_device"), W_OK)) {
		tool_error("%s: %s (load pen.ko and pen_sim.ko, as root)",
			   bus, strerror(errno));
		return 1;
	}
	uname(&u);
	if (json_begin())
		return 1;

	tool_json_open(bench_json, NULL, '{');
	tool_json_str(bench_json, "mode", smoke ? "smoke" : "full");
	tool_json_str(bench_json, "kernel_release", u.release);
	tool_json_str(bench_json, "kernel_version", u.version);
	tool_json_u64(bench_json, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	tool_json_u64(bench_json, "strokes_per_run", n_strokes);
	tool_json_bool(bench_json, "cyclictest_present", have_cyclictest());

	sim_rate_max_mhz = bench_stroke_timing();
	tool_json_u64(bench_json, "sim_rate_max_mhz", sim_rate_max_mhz);
	bench_capacity();
	bench_stop_latency(&(struct stop_bench){ .key = "stop_latency" },
			   sim_rate_max_mhz, smoke ? 2 : 50);
	bench_stop_latency(&(struct stop_bench){ .key = "stop_latency_threaded",
						 .threaded = true },
			   sim_rate_max_mhz, smoke ? 2 : 50);
	tool_json_open(bench_json, "setpoint_latency", '[');
	if (smoke) {
		bench_setpoint(300000, 3);
	} else {
		bench_setpoint(50000, 50);
		bench_setpoint(120000, 50);
		bench_setpoint(300000, 50);
	}
	tool_json_close(bench_json);
	bench_cost(5000000);
	bench_scaling();
	bench_actuation();

	json_errors();
	tool_json_close(bench_json);
	if (json_print())
		return 1;
	if (bench_errors()) {
		tool_error("%u error(s): the figures are incomplete",
			bench_errors());
		return 1;
	}
	return 0;
}
