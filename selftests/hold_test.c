// SPDX-License-Identifier: GPL-2.0
/*
 * Hold-to-run: the footswitch as the needle's enabling control, enforced
 * by the kernel. With the mode on (the controller's PEN_IOC_SET_HOLD_TO_RUN
 * or the administrator's sysfs hold_to_run), START without the pedal held
 * is EAGAIN and changes nothing; letting the pedal go stops the needle
 * within a stroke period (PEN_STOP_PEDAL), also while the controlling
 * process is stopped; a pen removed while the pedal is held stops, and
 * comes back with the pedal up; the administrator's policy cannot be
 * lowered by the controller or without CAP_SYS_ADMIN; the controller's
 * request ends with its close; a pen without a footswitch cannot hold to
 * run. On pen_sim (both stroke paths) and on pen_vcm's test bench.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID		1800
#define PLAIN_ID	1801	/* no footswitch */
#define SIM_OPTS	"footswitch=1 rate_max_mhz=250000"
#define RATE_MHZ	100000U
#define PERIOD_NS	10000000ULL
/* Long enough for anything a test waits for, in guest time. */
#define WAIT_MS		5000

static int set_hold(int fd, uint32_t enable)
{
	struct pen_hold_to_run h = { .enable = enable };

	return ioctl(fd, PEN_IOC_SET_HOLD_TO_RUN, &h);
}

/* Wait until the status's flags have @mask as @want; the last status. */
static struct pen_status wait_flags(int fd, uint32_t mask, uint32_t want)
{
	struct pen_status st = pen_status_of(fd);
	unsigned int waited;

	for (waited = 0; (st.flags & mask) != want && waited < WAIT_MS;
	     waited++) {
		sleep_ns(1000000);
		st = pen_status_of(fd);
	}
	return st;
}

/* The pedal down or up, as the core sees it once the backend reports it. */
static int pedal(unsigned int id, int fd, int down)
{
	struct pen_status st;

	if (sim_inject(id, down ? "press footswitch" : "release footswitch"))
		return -1;
	st = wait_flags(fd, PEN_STATUS_PEDAL_DOWN,
			down ? PEN_STATUS_PEDAL_DOWN : 0);
	return !!(st.flags & PEN_STATUS_PEDAL_DOWN) == !!down ? 0 : -1;
}

/* Records of type @type waiting on @fd (non-blocking), read and counted. */
static size_t events_of_type(int fd, uint32_t type)
{
	struct pen_events ev = { 0 };
	size_t n;

	pen_events_drain(fd, &ev);
	n = pen_events_count(&ev, type);
	pen_events_free(&ev);
	return n;
}

FIXTURE(hold) {
	int fd;		/* the controller */
	int ro;		/* a reader, O_NONBLOCK */
};

FIXTURE_SETUP(hold)
{
	self->ro = -1;
	pen_fixture_open(_metadata, &self->fd, SIM_ID, SIM_OPTS, O_RDWR, 0, 0);
	self->ro = sim_open(SIM_ID, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, self->ro);
	/* Set with the reader open: its ring holds the change too. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, RATE_MHZ));
}

FIXTURE_TEARDOWN(hold)
{
	if (self->ro >= 0)
		close(self->ro);
	pen_fixture_close(self->fd, SIM_ID);
}

TEST_F(hold, start_without_the_pedal_is_eagain_and_changes_nothing)
{
	struct pen_status before, st;

	ASSERT_EQ(0, set_hold(self->fd, 1));
	before = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATUS_CONTROLLED | PEN_STATUS_HOLD_TO_RUN,
		  before.flags);
	events_of_type(self->ro, PEN_EVENT_STATE);

	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(before.stop_reason, st.stop_reason);
	EXPECT_EQ(before.strokes, st.strokes);
	EXPECT_EQ(before.started_ns, st.started_ns);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
	EXPECT_EQ(0, sim_state(SIM_ID, "strokes"));
	EXPECT_EQ(0, events_of_type(self->ro, PEN_EVENT_STATE));

	/* Refused again once the pedal has come and gone. */
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 1));
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 0));
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
}

TEST_F(hold, the_pedal_runs_it_and_letting_go_stops_it_within_a_period)
{
	struct pen_status st;
	long long off_ns, let_go_ns;

	ASSERT_EQ(0, set_hold(self->fd, 1));
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 1));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_run_strokes(self->fd, 3, WAIT_MS);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);
	EXPECT_EQ(PEN_STATUS_CONTROLLED | PEN_STATUS_HOLD_TO_RUN |
		  PEN_STATUS_PEDAL_DOWN, st.flags);

	ASSERT_EQ(0, sim_inject(SIM_ID, "release footswitch"));
	let_go_ns = sim_state(SIM_ID, "inject_ns");
	st = pen_wait_stopped(self->fd, WAIT_MS);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_PEDAL, st.stop_reason);
	EXPECT_EQ(PEN_FAULT_NONE, st.fault);
	EXPECT_EQ(0, sim_wait_drive_off(SIM_ID, WAIT_MS));
	off_ns = sim_state(SIM_ID, "drive_off_ns");
	report_drive_off(pen_on_stroke_thread(SIM_ID) ?
			 "footswitch let go, stroke thread" :
			 "footswitch let go", let_go_ns, off_ns, PERIOD_NS);
	EXPECT_GE(let_go_ns + (long long)PERIOD_NS, off_ns);

	/* A stop like any other: the stream says so, and it restarts. */
	EXPECT_LE(2, events_of_type(self->ro, PEN_EVENT_STATE));
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 1));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(hold, letting_go_while_the_controller_is_stopped_stops_the_needle)
{
	struct pen_status st;
	int sync[2], status, fd;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pedal(SIM_ID, self->ro, 1));
	/* The child is the controller: this test's own file goes. */
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = sim_open(SIM_ID, O_RDWR);
		if (fd < 0 || set_hold(fd, 1) || ioctl(fd, PEN_IOC_START))
			_exit(1);
		c = 'r';
		if (write(sync[1], &c, 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	close(sync[0]);
	st = pen_wait_run_strokes(self->ro, 3, WAIT_MS);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);

	/* Hung as far as anyone can tell; the pedal comes up. */
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, sim_inject(SIM_ID, "release footswitch"));
	st = pen_wait_stopped(self->ro, WAIT_MS);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_PEDAL, st.stop_reason);
	EXPECT_EQ(0, sim_wait_drive_off(SIM_ID, WAIT_MS));
	EXPECT_TRUE(st.flags & PEN_STATUS_CONTROLLED);

	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

TEST_F(hold, removed_while_held_it_stops_and_comes_back_with_the_pedal_up)
{
	struct pen_events ev = { 0 };
	const struct pen_event *last = NULL;
	struct pen_status st;
	size_t i;
	int fd;

	ASSERT_EQ(0, set_hold(self->fd, 1));
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 1));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_run_strokes(self->fd, 3, WAIT_MS);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);

	ASSERT_EQ(0, sim_delete(SIM_ID));
	/* The reader gets what was left, ending with the stop. */
	pen_events_drain(self->ro, &ev);
	for (i = 0; i < ev.n; i++)
		if (ev.ev[i].type == PEN_EVENT_STATE)
			last = &ev.ev[i];
	ASSERT_NE(NULL, last);
	EXPECT_EQ(PEN_STATE_STOPPED, last->state.state);
	EXPECT_EQ(PEN_STOP_REMOVED, last->state.stop_reason);
	pen_events_free(&ev);

	/* Back, the pedal is up until it is pressed again. */
	ASSERT_EQ(0, sim_create(SIM_ID, SIM_OPTS));
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, pen_status_of(fd).flags & PEN_STATUS_PEDAL_DOWN);
	EXPECT_EQ(0, set_hold(fd, 1));
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

TEST_F(hold, turned_on_while_running_with_the_pedal_up_it_stops_at_once)
{
	struct pen_status st;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	st = pen_wait_run_strokes(self->fd, 2, WAIT_MS);
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);
	ASSERT_EQ(0, set_hold(self->fd, 1));
	/* Before the call returned: no wait. */
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_PEDAL, st.stop_reason);
	EXPECT_EQ(0, sim_wait_drive_off(SIM_ID, WAIT_MS));
}

TEST_F(hold, the_administrators_policy_holds_against_the_controller_and_users)
{
	struct pen_status st;
	char buf[8];
	int status;
	pid_t pid;

	ASSERT_EQ(0, sim_pen_attr_read(SIM_ID, "hold_to_run", buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "hold_to_run", "1"));
	ASSERT_EQ(0, sim_pen_attr_read(SIM_ID, "hold_to_run", buf, sizeof(buf)));
	EXPECT_STREQ("1\n", buf);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATUS_HOLD_TO_RUN | PEN_STATUS_HOLD_POLICY,
		  st.flags & (PEN_STATUS_HOLD_TO_RUN | PEN_STATUS_HOLD_POLICY));

	/* The controller cannot turn it off, and cannot start without it. */
	EXPECT_EQ(-1, set_hold(self->fd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));

	/* Nor can root without CAP_SYS_ADMIN, who may still make it so. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap_sys_admin())
			_exit(10);
		if (sim_pen_attr_write(SIM_ID, "hold_to_run", "0") != -EPERM)
			_exit(11);
		if (sim_pen_attr_write(SIM_ID, "hold_to_run", "1"))
			_exit(12);
		if (sim_pen_attr_write(SIM_ID, "hold_to_run", "maybe") != -EINVAL)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	st = pen_status_of(self->fd);
	EXPECT_TRUE(st.flags & PEN_STATUS_HOLD_POLICY);

	/* With the pedal it runs; an administrator lifts the policy. */
	ASSERT_EQ(0, pedal(SIM_ID, self->fd, 1));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	EXPECT_EQ(0, sim_pen_attr_write(SIM_ID, "hold_to_run", "0"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(0, st.flags & (PEN_STATUS_HOLD_TO_RUN | PEN_STATUS_HOLD_POLICY));
}

TEST_F(hold, the_controllers_request_ends_with_its_close)
{
	int fd;

	ASSERT_EQ(0, set_hold(self->fd, 1));
	EXPECT_TRUE(pen_status_of(self->ro).flags & PEN_STATUS_HOLD_TO_RUN);
	/* Turned off by the controller, on again. */
	ASSERT_EQ(0, set_hold(self->fd, 0));
	EXPECT_FALSE(pen_status_of(self->ro).flags & PEN_STATUS_HOLD_TO_RUN);
	ASSERT_EQ(0, set_hold(self->fd, 1));
	close(self->fd);
	self->fd = -1;
	EXPECT_FALSE(pen_status_of(self->ro).flags & PEN_STATUS_HOLD_TO_RUN);
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));

	/* Also while the administrator's policy was on. */
	ASSERT_EQ(0, set_hold(fd, 1));
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "hold_to_run", "1"));
	close(fd);
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "hold_to_run", "0"));
	EXPECT_FALSE(pen_status_of(self->ro).flags & PEN_STATUS_HOLD_TO_RUN);
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	close(fd);
}

TEST_F(hold, bad_requests_are_refused_and_change_nothing)
{
	struct pen_hold_to_run h = { .enable = 1, .reserved = { 0, 1, 0 } };

	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_HOLD_TO_RUN, &h));
	EXPECT_EQ(EINVAL, errno);
	h = (struct pen_hold_to_run){ .enable = 2 };
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_HOLD_TO_RUN, &h));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_HOLD_TO_RUN, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Only the controller asks. */
	EXPECT_EQ(-1, set_hold(self->ro, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_FALSE(pen_status_of(self->ro).flags & PEN_STATUS_HOLD_TO_RUN);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST(a_pen_without_a_footswitch_cannot_hold_to_run)
{
	char buf[8];
	int fd;

	sim_delete(PLAIN_ID);
	ASSERT_EQ(0, sim_create(PLAIN_ID, NULL));
	fd = sim_open(PLAIN_ID, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, set_hold(fd, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, set_hold(fd, 0));
	EXPECT_EQ(-EOPNOTSUPP, sim_pen_attr_write(PLAIN_ID, "hold_to_run", "1"));
	ASSERT_EQ(0, sim_pen_attr_read(PLAIN_ID, "hold_to_run", buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	EXPECT_EQ(0, pen_status_of(fd).flags & PEN_STATUS_HOLD_TO_RUN);
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	close(fd);
	sim_delete(PLAIN_ID);
}

TEST_HARNESS_MAIN
