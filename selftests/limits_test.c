// SPDX-License-Identifier: GPL-2.0
/*
 * Limits the kernel enforces above the hardware's: an administrator's
 * depth cap (sysfs, module parameter, the "home" profile) that only
 * CAP_SYS_ADMIN may raise and that, lowered while the needle runs, stops
 * it at the next stroke; and a maximum continuous run time.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID	700

static struct pen_info info_of(int fd)
{
	struct pen_info info;

	memset(&info, 0xff, sizeof(info));
	ioctl(fd, PEN_IOC_GET_INFO, &info);
	return info;
}

/* Drop CAP_SYS_ADMIN from this process, staying root otherwise. */
PEN_SIM_FIXTURE(pen, SIM_ID, "depth_min_um=100", 0, 0);

TEST_F(pen, defaults_are_the_hardware_maximum_and_an_hour)
{
	struct pen_info info = info_of(self->fd);

	EXPECT_EQ(3000, info.depth_cap_um);
	EXPECT_EQ(3600, info.max_run_time_s);
}

TEST_F(pen, a_depth_above_the_cap_is_erange)
{
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", "1000"));
	EXPECT_EQ(1000, info_of(self->fd).depth_cap_um);
	EXPECT_EQ(-1, pen_params_set(self->fd, PEN_PARAM_DEPTH, 1010, 0));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(100, pen_status_of(self->fd).depth_um);
	EXPECT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 1000, 0));
}

TEST_F(pen, a_cap_outside_the_hardware_range_is_refused)
{
	EXPECT_EQ(-ERANGE, sim_pen_attr_write(SIM_ID, "depth_cap_um", "3010"));
	EXPECT_EQ(-ERANGE, sim_pen_attr_write(SIM_ID, "depth_cap_um", "90"));
	EXPECT_EQ(-EINVAL, sim_pen_attr_write(SIM_ID, "depth_cap_um", "1mm"));
	EXPECT_EQ(-ERANGE, sim_pen_attr_write(SIM_ID, "max_run_time_s", "0"));
	EXPECT_EQ(-ERANGE, sim_pen_attr_write(SIM_ID, "max_run_time_s", "86401"));
	EXPECT_EQ(3000, info_of(self->fd).depth_cap_um);
	EXPECT_EQ(3600, info_of(self->fd).max_run_time_s);
}

TEST_F(pen, only_cap_sys_admin_raises_a_limit)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", "1000"));
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "max_run_time_s", "600"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_cap_sys_admin())
			_exit(10);
		if (sim_pen_attr_write(SIM_ID, "depth_cap_um", "1500") != -EPERM)
			_exit(11);
		if (sim_pen_attr_write(SIM_ID, "max_run_time_s", "700") != -EPERM)
			_exit(12);
		/* Lowering is always allowed. */
		if (sim_pen_attr_write(SIM_ID, "depth_cap_um", "800"))
			_exit(13);
		if (sim_pen_attr_write(SIM_ID, "max_run_time_s", "300"))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(800, info_of(self->fd).depth_cap_um);
	EXPECT_EQ(300, info_of(self->fd).max_run_time_s);
	/* And the administrator raises both again. */
	EXPECT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", "3000"));
	EXPECT_EQ(3000, info_of(self->fd).depth_cap_um);
	EXPECT_EQ(0, sim_pen_attr_write(SIM_ID, "max_run_time_s", "900"));
	EXPECT_EQ(900, info_of(self->fd).max_run_time_s);
}

TEST_F(pen, lowering_the_cap_below_the_setpoint_stops_at_the_next_stroke)
{
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	uint64_t lowered;
	long n, i;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 1000, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(55000000);
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", "500"));
	/* From here on the cap is in force. */
	lowered = now_ns();
	st = pen_wait_stopped(self->fd, 3000);
	EXPECT_EQ(PEN_STOP_DEPTH_CAP, st.stop_reason)
		TH_LOG("stop reason %u, fault %u (%u) at stroke %llu, %llu strokes, %llu missed",
		       st.stop_reason, st.fault, st.fault_value,
		       (unsigned long long)st.fault_seq,
		       (unsigned long long)st.run_strokes,
		       (unsigned long long)st.run_missed_strokes);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	report_drive_off("depth cap lowered", lowered,
			 sim_state(SIM_ID, "drive_off_ns"), 10000000);
	/* Off at the next boundary: within one period of the change. */
	EXPECT_GE(lowered + 10000000, (uint64_t)sim_state(SIM_ID, "drive_off_ns"));
	/* No stroke deeper than the cap after it was lowered. */
	n = sim_strokes(SIM_ID, &rec);
	for (i = 0; i < n; i++)
		if (rec[i].cmd_ns > lowered)
			EXPECT_GE(500, rec[i].cmd_um);
	free(rec);
	/* Nor may it start again until the setpoint fits. */
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ERANGE, errno);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 500, 0));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(pen, a_run_stops_by_itself_at_the_maximum_run_time)
{
	struct pen_status st;
	long long off;

	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "max_run_time_s", "1"));
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_stopped(self->fd, 3000);
	EXPECT_EQ(PEN_STOP_RUN_TIME, st.stop_reason);
	/* Strokes at 0, 10, ... 990 ms; the boundary at 1 s stops it. */
	EXPECT_EQ(100, st.run_strokes);
	off = sim_state(SIM_ID, "drive_off_ns");
	report_drive_off("maximum run time", st.started_ns + 1000000000LL, off,
			 10000000);
	EXPECT_LE((long long)st.started_ns + 1000000000LL, off);
	EXPECT_GE((long long)st.started_ns + 1010000000LL, off);
}

/*
 * Reload pen.ko with other parameters (pen_sim.ko with it, as the suite
 * had it): 0, or the -errno of the step that failed.
 */
static int reload_pen(const char *params)
{
	int ret;

	ret = pen_module_unload("pen_sim");
	if (!ret)
		ret = pen_module_unload("pen");
	if (!ret)
		ret = pen_module_load("pen", params);
	if (!ret)
		ret = pen_module_load("pen_sim", NULL);
	return ret;
}

TEST(the_home_profile_caps_every_pen_at_half_a_millimetre)
{
	int fd;

	/* It reloads pen.ko with pen_sim.ko and checks pen_sim's pen0. */
	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ASSERT_EQ(0, reload_pen("profile=home"));
	fd = open("/dev/pen0", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(500, info_of(fd).depth_cap_um);
	EXPECT_EQ(-1, pen_params_set(fd, PEN_PARAM_DEPTH, 510, 0));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(0, pen_params_set(fd, PEN_PARAM_DEPTH, 500, 0));
	close(fd);

	/* A module parameter sets the default cap; the lower one wins. */
	ASSERT_EQ(0, reload_pen("profile=home depth_cap_um=300"));
	fd = open("/dev/pen0", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(300, info_of(fd).depth_cap_um);
	close(fd);

	/* An unknown profile refuses to load, as does a run time of 0 s or over a day. */
	EXPECT_NE(0, reload_pen("profile=spa"));
	EXPECT_NE(0, pen_module_load("pen", "max_run_time_s=0"));
	EXPECT_NE(0, pen_module_load("pen", "max_run_time_s=86401"));
	EXPECT_FALSE(pen_module_loaded("pen"));
	/* A day is the most. */
	ASSERT_EQ(0, pen_module_load("pen", "max_run_time_s=86400"));
	ASSERT_EQ(0, pen_module_load("pen_sim", NULL));
	fd = open("/dev/pen0", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(86400, info_of(fd).max_run_time_s);
	close(fd);
	ASSERT_EQ(0, pen_module_unload("pen_sim"));
	ASSERT_EQ(0, pen_module_unload("pen"));
	ASSERT_EQ(0, pen_module_load("pen", NULL));
	ASSERT_EQ(0, pen_module_load("pen_sim", NULL));
	fd = open("/dev/pen0", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(3000, info_of(fd).depth_cap_um);
	close(fd);
}

/*
 * hold_to_run=1: every pen with a footswitch holds to run as the
 * administrator's policy (hold_test has the rest); one without has
 * nothing to hold.
 */
TEST(the_hold_to_run_parameter_holds_every_pen_with_a_footswitch)
{
	char buf[8];
	int fd;

	if (!pen_backend_is_sim())
		SKIP(return, PEN_SIM_ONLY);
	ASSERT_EQ(0, reload_pen("hold_to_run=1"));
	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, "footswitch=1"));
	ASSERT_EQ(0, sim_pen_attr_read(SIM_ID, "hold_to_run", buf, sizeof(buf)));
	EXPECT_STREQ("1\n", buf);
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(pen_status_of(fd).flags & PEN_STATUS_HOLD_POLICY);
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	sim_delete(SIM_ID);
	/* pen_sim's pen0 has no footswitch. */
	fd = open("/dev/pen0", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_FALSE(pen_status_of(fd).flags & PEN_STATUS_HOLD_TO_RUN);
	close(fd);
	ASSERT_EQ(0, reload_pen(""));
}

TEST_HARNESS_MAIN
