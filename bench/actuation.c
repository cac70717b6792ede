// SPDX-License-Identifier: GPL-2.0
/*
 * Actuation: pen_vcm on its test bench (docs/testbench.md), so that what
 * is timed is the needle being told, not only the core deciding. For
 * each stroke, from its ideal boundary to the PWM's new duty taking
 * effect in the bench's model (its stroke record's cmd_ns), beside the
 * core's decision lateness, at 50, 120 and 300 Hz; then the drive-off
 * delay of each stop path at the enable line and at the PWM. Both on the
 * stroke thread (a PWM that may sleep) and on the hard-irq timer (one
 * that never does, 6.8 and later, not PREEMPT_RT). Skipped, with the reason in the
 * document, where pen_testbench is not loaded.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* The bench's needle lag, its default: a reach time of 500 us. */
#define VCM_LAG_US	400U
/* A bench instance id for asking what the bench offers, clear of ours. */
#define VCM_PROBE_ID	6999U

/*
 * Does pen_vcm take the hard-irq path here: can the bench offer a PWM
 * that never sleeps (pwm_atomic=1, 6.8 and later), on a kernel that is
 * not PREEMPT_RT (where pen_vcm keeps the stroke thread)?
 */
static int vcm_hard_irq_offered(void)
{
	int ret;

	if (pen_kernel_is_rt())
		return 0;
	sim_delete(VCM_PROBE_ID);
	ret = sim_create(VCM_PROBE_ID, "pwm_atomic=1");
	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret) {
		bench_error("creating test bench %u \"pwm_atomic=1\": %s",
			    VCM_PROBE_ID, strerror(-ret));
		return -1;
	}
	bench_sim_delete(VCM_PROBE_ID);
	return 1;
}

static void actuation_run(uint32_t rate_mhz, bool threaded)
{
	struct run r = {
		.rate_mhz = rate_mhz, .strokes = n_strokes,
		.lag_us = VCM_LAG_US, .threaded = threaded, .vcm = true,
	};
	struct run_stats s;

	progress("actuation: %u strokes at %.0f Hz, pen_vcm on %s", n_strokes,
		 rate_mhz / 1000.0, threaded ? "the stroke thread" : "hard irq");
	if (run_strokes(&r) || analyse(&r, &s)) {
		run_free(&r);
		return;
	}
	tool_json_open(bench_json, NULL, '{');
	json_run_stats(&r, &s);
	tool_json_close(bench_json);
	run_free(&r);
}

void bench_actuation(void)
{
	static const uint32_t rates[] = { 50000, 120000, 300000 };
	char bus[128];
	unsigned int i;
	int hard_irq, path;

	tool_json_open(bench_json, "actuation", '{');
	pen_backend_use(0);
	if (access(sim_bus_file(bus, sizeof(bus), "new_device"), W_OK)) {
		tool_json_str(bench_json, "skipped",
			      "no pen_testbench loaded (a kernel without IIO?)");
		goto out;
	}
	hard_irq = vcm_hard_irq_offered();
	if (hard_irq < 0)
		goto out;
	tool_json_bool(bench_json, "hard_irq_path", hard_irq);
	tool_json_open(bench_json, "timing", '[');
	for (path = 0; path <= hard_irq; path++)
		for (i = 0; i < ARRAY_SIZE(rates); i++)
			actuation_run(rates[i], !path);
	tool_json_close(bench_json);
	bench_stop_latency(&(struct stop_bench){ .key = "stop_latency_threaded",
						 .vcm = true, .threaded = true },
			   300000, smoke ? 2 : 50);
	if (hard_irq)
		bench_stop_latency(&(struct stop_bench){ .key = "stop_latency",
							 .vcm = true },
				   300000, smoke ? 2 : 50);
out:
	pen_backend_use(1);
	tool_json_close(bench_json);
}
