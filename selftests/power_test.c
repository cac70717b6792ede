// SPDX-License-Identifier: GPL-2.0
/*
 * The needle never runs through a system suspend. The suspend is the
 * kernel's own, in its "devices" test mode (/sys/power/pm_test): every
 * device's suspend callback runs, then everything resumes. Kernels
 * without PM_SLEEP_DEBUG (the debug kernel) skip it.
 */
#include "kselftest_harness.h"
#include "pen_util.h"

#define SIM_ID	900

TEST(suspend_stops_the_needle_and_it_stays_stopped)
{
	struct pen_status st;
	uint64_t before, after;
	int fd;

	if (access("/sys/power/pm_test", W_OK) ||
	    access("/sys/power/state", W_OK))
		SKIP(return, "no /sys/power/pm_test: kernel without PM_SLEEP_DEBUG");

	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, NULL));
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(50000000);

	/* No need to linger 5 s (busy, under -icount) in the test state. */
	sim_write("/sys/module/suspend/parameters/pm_test_delay", "0");
	ASSERT_EQ(0, sim_write("/sys/power/pm_test", "devices"));
	before = now_ns();
	EXPECT_EQ(0, sim_write("/sys/power/state", "freeze"));
	after = now_ns();
	EXPECT_EQ(0, sim_write("/sys/power/pm_test", "none"));
	sim_write("/sys/module/suspend/parameters/pm_test_delay", "5");

	st = pen_status_of(fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_SUSPEND, st.stop_reason);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_LE(before, (uint64_t)sim_state(SIM_ID, "drive_off_ns"));
	EXPECT_GE(after, (uint64_t)sim_state(SIM_ID, "drive_off_ns"));
	report_drive_off("suspend (from the write to /sys/power/state)",
			 before, sim_state(SIM_ID, "drive_off_ns"), 10000000);
	/* Resumed, it does not start again by itself. */
	sleep_ns(50000000);
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(fd).state);
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	close(fd);
	sim_delete(SIM_ID);
}

TEST_HARNESS_MAIN
