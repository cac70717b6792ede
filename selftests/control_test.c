// SPDX-License-Identifier: GPL-2.0
/*
 * Who may control a pen: one writer at a time, read-only opens query and
 * stop, and the needle stops whenever its controller goes away, by close
 * or by the process dying.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID	200

PEN_SIM_FIXTURE(pen, SIM_ID, NULL, 500, 100000);

TEST_F(pen, second_writer_is_ebusy)
{
	EXPECT_EQ(-1, sim_open(SIM_ID, O_RDWR));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, sim_open(SIM_ID, O_WRONLY));
	EXPECT_EQ(EBUSY, errno);
}

TEST_F(pen, control_passes_on_after_close)
{
	int fd;

	close(self->fd);
	self->fd = -1;
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PEN_STATUS_CONTROLLED, pen_status_of(fd).flags);
	/* Setpoints belong to the pen, not to the file that set them. */
	EXPECT_EQ(500, pen_status_of(fd).depth_um);
	close(fd);
}

TEST_F(pen, readonly_open_queries_but_cannot_drive)
{
	struct pen_info info;
	int ro = sim_open(SIM_ID, O_RDONLY);

	ASSERT_LE(0, ro);
	EXPECT_EQ(0, ioctl(ro, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(PEN_STATUS_CONTROLLED, pen_status_of(ro).flags);
	EXPECT_EQ(-1, pen_params_set(ro, PEN_PARAM_DEPTH, 800, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_START));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(500, pen_status_of(ro).depth_um);
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(ro).state);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
	close(ro);
}

TEST_F(pen, readonly_open_can_stop_the_needle)
{
	int ro = sim_open(SIM_ID, O_RDONLY);
	uint64_t cause;

	ASSERT_LE(0, ro);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(20000000);
	cause = now_ns();
	EXPECT_EQ(0, ioctl(ro, PEN_IOC_STOP));
	report_drive_off("STOP", cause, sim_state(SIM_ID, "drive_off_ns"),
			 10000000);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(self->fd).state);
	EXPECT_EQ(PEN_STOP_REQUEST, pen_status_of(self->fd).stop_reason);
	close(ro);
}

TEST_F(pen, readonly_opens_do_not_take_control)
{
	int ro1 = sim_open(SIM_ID, O_RDONLY);
	int ro2 = sim_open(SIM_ID, O_RDONLY);

	ASSERT_LE(0, ro1);
	ASSERT_LE(0, ro2);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, pen_status_of(ro1).flags);
	self->fd = sim_open(SIM_ID, O_RDWR);
	EXPECT_LE(0, self->fd);
	close(ro1);
	close(ro2);
}

static void expect_stops_after(struct __test_metadata *_metadata,
			       uint64_t cause_ns)
{
	long long strokes;
	int ro = sim_open(SIM_ID, O_RDONLY);
	struct pen_status st;

	ASSERT_LE(0, ro);
	st = pen_status_of(ro);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_CLOSE, st.stop_reason);
	EXPECT_EQ(0, st.flags);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_LE(cause_ns, (uint64_t)sim_state(SIM_ID, "drive_off_ns"));
	report_drive_off("controller closed or killed", cause_ns,
			 sim_state(SIM_ID, "drive_off_ns"), 10000000);
	/* And nothing strokes after the drive went off. */
	strokes = sim_state(SIM_ID, "strokes");
	sleep_ns(50000000);
	EXPECT_EQ(strokes, sim_state(SIM_ID, "strokes"));
	EXPECT_EQ((long long)st.strokes, strokes);
	close(ro);
}

TEST_F(pen, closing_the_controller_stops_the_needle)
{
	uint64_t cause;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	ASSERT_EQ(1, sim_state(SIM_ID, "drive"));
	cause = now_ns();
	close(self->fd);
	self->fd = -1;
	expect_stops_after(_metadata, cause);
}

TEST_F(pen, killing_the_controller_stops_the_needle)
{
	int ready[2], status;
	uint64_t cause;
	pid_t pid;
	char c;

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = sim_open(SIM_ID, O_RDWR);

		if (fd < 0 || ioctl(fd, PEN_IOC_START))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	sleep_ns(30000000);
	EXPECT_EQ(1, sim_state(SIM_ID, "drive"));
	cause = now_ns();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	expect_stops_after(_metadata, cause);
	close(ready[0]);
}

TEST_HARNESS_MAIN
