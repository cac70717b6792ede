// SPDX-License-Identifier: GPL-2.0
/*
 * The stroke loop, checked against the simulated pen's record of what
 * its needle did: stroke count over a known interval, the depth of every
 * stroke, setpoint changes landing on a stroke boundary, STOP being
 * synchronous, and pens running independently.
 *
 * Counts are exact only when guest time is deterministic; the suite runs
 * under qemu -icount (see scripts/vm-run).
 */
#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"

#define SIM_ID	300

PEN_SIM_FIXTURE(pen, SIM_ID, NULL, 0, 0);

TEST_F(pen, stroke_count_follows_the_rate)
{
	static const uint32_t rates_mhz[] = { 50000, 120000, 300000 };
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	uint64_t t0, t1, base = 0;
	double expected;
	long n, i;
	size_t r;

	for (r = 0; r < sizeof(rates_mhz) / sizeof(rates_mhz[0]); r++) {
		ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500,
					    rates_mhz[r]));
		t0 = now_ns();
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
		sleep_ns(1000000000);
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
		t1 = now_ns();

		st = pen_status_of(self->fd);
		n = sim_strokes(SIM_ID, &rec);
		ASSERT_LT((long)base, n);
		/*
		 * The first stroke is at start (or, this soon after the run
		 * before, a period of the fastest rate after that run's
		 * last stroke: see PEN_IOC_START), then one per period.
		 */
		expected = (st.stopped_ns - rec[base].cmd_ns) *
			   (rates_mhz[r] / 1e12) + 1;
		EXPECT_GE(st.started_ns, t0);
		EXPECT_LE(st.stopped_ns, t1);
		EXPECT_EQ(0, st.run_missed_strokes);
		EXPECT_LE(expected - 1, (double)st.run_strokes)
			TH_LOG("%u mHz: %llu strokes, expected %.1f",
			       rates_mhz[r], st.run_strokes, expected);
		EXPECT_GE(expected + 1, (double)st.run_strokes)
			TH_LOG("%u mHz: %llu strokes, expected %.1f",
			       rates_mhz[r], st.run_strokes, expected);

		/* The needle did exactly what the driver counted. */
		ASSERT_EQ((long)st.strokes, n);
		for (i = base; i < n; i++) {
			EXPECT_EQ((uint64_t)i, rec[i].seq);
			EXPECT_EQ(500, rec[i].cmd_um);
		}
		/* Every stroke but one cut short by the stop reached depth. */
		for (i = base; i < n - 1; i++)
			EXPECT_EQ(500, rec[i].reached_um);
		base = n;
		free(rec);
	}
}

TEST_F(pen, depth_change_lands_on_the_next_stroke)
{
	struct sim_stroke *rec = NULL;
	uint64_t before, after;
	long n, i, first_new = -1;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 50000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(110000000);
	before = pen_status_of(self->fd).strokes;
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 800, 0));
	after = pen_status_of(self->fd).strokes;
	sleep_ns(110000000);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));

	n = sim_strokes(SIM_ID, &rec);
	ASSERT_LT(4, n);
	for (i = 0; i < n; i++) {
		if (rec[i].cmd_um == 800 && first_new < 0)
			first_new = i;
		/* Old depth, then new depth: no stroke mixes or reverts. */
		EXPECT_EQ(first_new < 0 ? 500 : 800, rec[i].cmd_um);
		if (rec[i].reach_ns)
			EXPECT_EQ(rec[i].cmd_um, rec[i].reached_um);
	}
	/* The first stroke after the ioctl returned took the new depth. */
	EXPECT_LE((long)before, first_new);
	EXPECT_GE((long)after, first_new);
	free(rec);
}

TEST_F(pen, rate_change_lands_on_the_next_stroke)
{
	const uint64_t old_period = 20000000, new_period = 5000000;
	struct sim_stroke *rec = NULL;
	uint64_t after;
	long n, i;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 50000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(110000000);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_RATE, 0, 200000));
	after = pen_status_of(self->fd).strokes;
	sleep_ns(110000000);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));

	n = sim_strokes(SIM_ID, &rec);
	ASSERT_LT((long)after + 5, n);
	/* Intervals before the change are the old period ... */
	for (i = 1; i + 1 < (long)after; i++) {
		uint64_t gap = rec[i].cmd_ns - rec[i - 1].cmd_ns;

		EXPECT_GT(gap, (old_period + new_period) / 2)
			TH_LOG("stroke %ld: gap %llu ns", i,
			       (unsigned long long)gap);
	}
	/* ... and every interval from the stroke after it is the new one. */
	for (i = after + 1; i < n; i++) {
		uint64_t gap = rec[i].cmd_ns - rec[i - 1].cmd_ns;

		EXPECT_LT(gap, (old_period + new_period) / 2)
			TH_LOG("stroke %ld: gap %llu ns", i,
			       (unsigned long long)gap);
	}
	free(rec);
}

TEST_F(pen, stop_is_synchronous)
{
	long long strokes;
	struct pen_status st;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 300000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	/* When STOP returns, the drive is off and the loop is over. */
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	st = pen_status_of(self->fd);
	strokes = sim_state(SIM_ID, "strokes");
	EXPECT_EQ((long long)st.strokes, strokes);
	sleep_ns(50000000);
	EXPECT_EQ(strokes, sim_state(SIM_ID, "strokes"));
	EXPECT_EQ(st.strokes, pen_status_of(self->fd).strokes);
	EXPECT_EQ(1, sim_state(SIM_ID, "drive_disables"));
}

/*
 * On the stroke thread the timer fires a lead before each stroke, learnt
 * from the thread's wake-ups: one wake-up a stroke, and a lead of at
 * least the 2 us margin, at most 100 us and an eighth of the period. On
 * the hard-irq path there is no thread to wake: no lead, no wake-ups.
 */
TEST_F(pen, the_stroke_thread_wakes_a_lead_before_each_stroke)
{
	uint64_t period_ns = 1000000000000ULL / 300000;
	struct pen_wakeups w;
	struct pen_status st;
	int pen = sim_pen_index(SIM_ID);

	ASSERT_LE(0, pen);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_RATE, 0, 300000));
	st = pen_run_for(_metadata, self->fd, 100000000);
	ASSERT_LT(10, st.run_strokes);
	ASSERT_EQ(0, pen_wakeups_of(pen, &w));
	if (!pen_on_stroke_thread(SIM_ID)) {
		EXPECT_EQ(0, w.wakeups);
		EXPECT_EQ(0, w.lead_ns);
		return;
	}
	/* A wait that gave up for a stop is counted again when it resumes. */
	EXPECT_LE((long long)st.run_strokes, w.wakeups);
	EXPECT_LE(w.wakeups, (long long)st.run_strokes + 2);
	EXPECT_LE(2000, w.lead_ns);
	EXPECT_GE(100000, w.lead_ns);
	EXPECT_GE((long long)period_ns / 8, w.lead_ns);
}

TEST(two_pens_run_independently)
{
	struct sim_stroke *rec = NULL;
	long long a_strokes;
	int a, b;
	long n, i;

	sim_delete(SIM_ID + 1);
	sim_delete(SIM_ID + 2);
	ASSERT_EQ(0, sim_create(SIM_ID + 1, NULL));
	ASSERT_EQ(0, sim_create(SIM_ID + 2, "depth_max_um=1000 rate_max_mhz=200000"));
	a = sim_open(SIM_ID + 1, O_RDWR);
	b = sim_open(SIM_ID + 2, O_RDWR);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);

	ASSERT_EQ(0, pen_params_set(a, PEN_PARAM_ALL, 300, 100000));
	ASSERT_EQ(0, pen_params_set(b, PEN_PARAM_ALL, 700, 200000));
	/* Each pen checks against its own limits. */
	EXPECT_EQ(-1, pen_params_set(b, PEN_PARAM_DEPTH, 2000, 0));
	EXPECT_EQ(ERANGE, errno);
	ASSERT_EQ(0, ioctl(a, PEN_IOC_START));
	ASSERT_EQ(0, ioctl(b, PEN_IOC_START));
	sleep_ns(200000000);
	ASSERT_EQ(0, ioctl(a, PEN_IOC_STOP));
	a_strokes = sim_state(SIM_ID + 1, "strokes");
	EXPECT_EQ(1, sim_state(SIM_ID + 2, "drive"));
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(b).state);
	sleep_ns(100000000);
	EXPECT_EQ(a_strokes, sim_state(SIM_ID + 1, "strokes"));
	ASSERT_EQ(0, ioctl(b, PEN_IOC_STOP));
	/* Twice the rate, and it kept going after the other stopped. */
	EXPECT_LT(2 * a_strokes, sim_state(SIM_ID + 2, "strokes"));

	n = sim_strokes(SIM_ID + 1, &rec);
	for (i = 0; i < n; i++)
		EXPECT_EQ(300, rec[i].cmd_um);
	free(rec);
	n = sim_strokes(SIM_ID + 2, &rec);
	for (i = 0; i < n; i++)
		EXPECT_EQ(700, rec[i].cmd_um);
	free(rec);

	close(a);
	close(b);
	EXPECT_EQ(0, sim_delete(SIM_ID + 1));
	EXPECT_EQ(0, sim_delete(SIM_ID + 2));
}

TEST_HARNESS_MAIN
