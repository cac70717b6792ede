// SPDX-License-Identifier: GPL-2.0
/*
 * Faults stop the needle at once and latch: over-depth, a stall, the
 * hardware's own faults and a loop that falls behind. Each is injected
 * through the simulated pen, so it takes the path a real one would, and
 * the time the drive went off is checked against the time of the cause.
 */
#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"

#define SIM_ID		600
#define PERIOD_NS	10000000ULL	/* 100 Hz */
#define LAG_NS		500000ULL	/* the sim's default lag */

static long long fault_count(unsigned int id, const char *kind)
{
	char path[160];
	long long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/pen/pen%d/faults/%s",
		 sim_pen_index(id), kind);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%lld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

PEN_SIM_FIXTURE(pen, SIM_ID, NULL, 500, 100000);

TEST_F(pen, over_depth_stops_within_a_stroke_and_latches)
{
	struct pen_status st;
	long long off, cause;

	st = pen_run_then_inject(_metadata, self->fd, SIM_ID, 50000000,
				 "over_depth 300", 2000);
	expect_fault_stop(_metadata, &st, PEN_FAULT_OVER_DEPTH);
	EXPECT_EQ(300, st.fault_value);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	/* The next stroke reaches too deep; the drive is off on its report. */
	cause = sim_state(SIM_ID, "inject_ns");
	off = sim_state(SIM_ID, "drive_off_ns");
	EXPECT_LE(cause, off);
	report_drive_off("over-depth", cause, off, PERIOD_NS);
	EXPECT_GE((long long)(PERIOD_NS + LAG_NS), off - cause)
		TH_LOG("drive off %lld ns after the cause", off - cause);
	EXPECT_LE((long long)st.fault_ns, off);
	/* At once; from the stroke thread, one wake-up after the fault. */
	EXPECT_GT(pen_on_stroke_thread(SIM_ID) ? 2000000 : 100000,
		  off - (long long)st.fault_ns)
		TH_LOG("drive off %lld ns after the fault latched",
		       off - (long long)st.fault_ns);
	EXPECT_EQ(1, fault_count(SIM_ID, "over_depth"));
}

TEST_F(pen, depth_error_within_tolerance_is_no_fault)
{
	ASSERT_EQ(0, sim_inject(SIM_ID, "over_depth 150"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(100000000);
	ASSERT_EQ(0, sim_inject(SIM_ID, "short 150"));
	sleep_ns(100000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	EXPECT_EQ(PEN_FAULT_NONE, pen_status_of(self->fd).fault);
	EXPECT_EQ(650, pen_status_of(self->fd).last_reached_um + 300);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(pen, a_latched_fault_refuses_start_until_cleared)
{
	int ro = sim_open(SIM_ID, O_RDONLY);

	ASSERT_LE(0, ro);
	ASSERT_EQ(0, sim_inject(SIM_ID, "over_depth 400"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(PEN_FAULT_OVER_DEPTH, pen_wait_stopped(self->fd, 2000).fault);

	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(1, sim_state(SIM_ID, "drive_enables"));
	/* Only the controller may acknowledge it. */
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_CLEAR_FAULT));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(PEN_FAULT_OVER_DEPTH, pen_status_of(ro).fault);

	ASSERT_EQ(0, sim_inject(SIM_ID, "reset"));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	EXPECT_EQ(PEN_FAULT_NONE, pen_status_of(ro).fault);
	EXPECT_EQ(0, pen_status_of(ro).fault_ns);
	/* Clearing with nothing latched is fine too. */
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(ro).state);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	/* The count survives the clear. */
	EXPECT_EQ(1, fault_count(SIM_ID, "over_depth"));
	close(ro);
}

TEST_F(pen, a_jammed_needle_is_a_stall_after_three_short_strokes)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(SIM_ID, "stall 5"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_stopped(self->fd, 2000);
	expect_fault_stop(_metadata, &st, PEN_FAULT_STALL);
	EXPECT_EQ(500, st.fault_value);
	/* Five good strokes, then three that reach nothing. */
	EXPECT_EQ(8, st.fault_seq);
	EXPECT_EQ(8, st.run_strokes);
	EXPECT_EQ(1, fault_count(SIM_ID, "stall"));
}

TEST_F(pen, hardware_faults_stop_the_needle_at_once)
{
	static const struct {
		const char *cmd, *kind;
		uint32_t fault, value;
	} faults[] = {
		{ "overcurrent 1200", "overcurrent", PEN_FAULT_OVERCURRENT, 1200 },
		{ "overtemp 61500", "overtemp", PEN_FAULT_OVERTEMP, 61500 },
		{ "supply_low 9100", "supply_low", PEN_FAULT_SUPPLY_LOW, 9100 },
	};
	struct pen_status st;
	size_t i;

	/* hw_test has the bench's own, measured by the backend. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
		sleep_ns(30000000);
		ASSERT_EQ(0, sim_inject(SIM_ID, faults[i].cmd));
		/* Reported in process context: off before the write returns. */
		EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
		st = pen_status_of(self->fd);
		expect_fault_stop(_metadata, &st, faults[i].fault);
		EXPECT_EQ(faults[i].value, st.fault_value);
		EXPECT_LE(sim_state(SIM_ID, "inject_ns"),
			  sim_state(SIM_ID, "drive_off_ns"));
		report_drive_off(faults[i].kind, sim_state(SIM_ID, "inject_ns"),
				 sim_state(SIM_ID, "drive_off_ns"), PERIOD_NS);
		EXPECT_EQ(1, fault_count(SIM_ID, faults[i].kind));
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	}
}

TEST_F(pen, a_fault_while_stopped_latches_too)
{
	/* The bench has no supply monitor. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ASSERT_EQ(0, sim_inject(SIM_ID, "supply_low 8000"));
	EXPECT_EQ(PEN_FAULT_SUPPLY_LOW, pen_status_of(self->fd).fault);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
}

TEST_F(pen, the_first_fault_is_kept_and_every_one_counted)
{
	/* The bench measures no current once the needle has stopped. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ASSERT_EQ(0, sim_inject(SIM_ID, "over_depth 300"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(PEN_FAULT_OVER_DEPTH, pen_wait_stopped(self->fd, 2000).fault);
	ASSERT_EQ(0, sim_inject(SIM_ID, "overcurrent 900"));
	EXPECT_EQ(PEN_FAULT_OVER_DEPTH, pen_status_of(self->fd).fault);
	EXPECT_EQ(300, pen_status_of(self->fd).fault_value);
	EXPECT_EQ(1, fault_count(SIM_ID, "over_depth"));
	EXPECT_EQ(1, fault_count(SIM_ID, "overcurrent"));
	EXPECT_EQ(0, fault_count(SIM_ID, "timing"));
}

TEST_F(pen, a_loop_that_falls_behind_is_a_timing_fault)
{
	struct pen_status st;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_RATE, 0, 300000));
	/* Hold the timer 20 ms: six periods at 300 Hz, the limit is two. */
	st = pen_run_then_inject(_metadata, self->fd, SIM_ID, 30000000,
				 "late 20000", 2000);
	expect_fault_stop(_metadata, &st, PEN_FAULT_TIMING);
	EXPECT_LE(3, st.fault_value);
	EXPECT_LE(st.fault_value, st.run_missed_strokes);
	EXPECT_EQ(1, fault_count(SIM_ID, "timing"));
}

static int set_watchdog(int fd, uint32_t timeout_ms)
{
	struct pen_watchdog wd = { .timeout_ms = timeout_ms };

	return ioctl(fd, PEN_IOC_SET_WATCHDOG, &wd);
}

TEST_F(pen, a_controller_that_stops_kicking_is_a_watchdog_fault)
{
	struct pen_status st;
	uint64_t last_kick;
	long long off;
	int i;

	ASSERT_EQ(0, set_watchdog(self->fd, 100));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	/* Kicked in time, it runs on well past the timeout. */
	for (i = 0; i < 6; i++) {
		sleep_ns(50000000);
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_KICK_WATCHDOG));
	}
	last_kick = now_ns();
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	/* Then the controller "hangs". */
	st = pen_wait_stopped(self->fd, 2000);
	expect_fault_stop(_metadata, &st, PEN_FAULT_WATCHDOG);
	EXPECT_LE(100, st.fault_value);
	/* Off within a stroke period of the timeout running out. */
	off = sim_state(SIM_ID, "drive_off_ns");
	report_drive_off("watchdog (from the timeout)",
			 (long long)last_kick + 100000000LL, off, PERIOD_NS);
	EXPECT_LE((long long)last_kick + 100000000LL, off);
	EXPECT_GE((long long)last_kick + 100000000LL + (long long)PERIOD_NS,
		  off);
	EXPECT_EQ(1, fault_count(SIM_ID, "watchdog"));
}

TEST_F(pen, a_disarmed_watchdog_needs_no_kicks)
{
	ASSERT_EQ(0, set_watchdog(self->fd, 50));
	ASSERT_EQ(0, set_watchdog(self->fd, 0));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(200000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(pen, the_watchdog_is_the_controllers_alone)
{
	struct pen_watchdog wd = { .timeout_ms = 100, .reserved = { 0, 1 } };
	int ro = sim_open(SIM_ID, O_RDONLY);

	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, set_watchdog(ro, 100));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_KICK_WATCHDOG));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, set_watchdog(self->fd, PEN_WATCHDOG_MIN_MS - 1));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, set_watchdog(self->fd, PEN_WATCHDOG_MAX_MS + 1));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_WATCHDOG, &wd));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_WATCHDOG, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* A new controller does not inherit an armed watchdog. */
	ASSERT_EQ(0, set_watchdog(self->fd, 50));
	close(self->fd);
	self->fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(200000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(ro).state);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	close(ro);
}

TEST(bad_injections_are_refused)
{
	static const char *const bad[] = {
		"melt 5", "over_depth", "late 1000000", "reset 1",
	};

	expect_injections_refused(_metadata, SIM_ID + 1, NULL, bad,
				  ARRAY_SIZE(bad));
}

TEST_HARNESS_MAIN
