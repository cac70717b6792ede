// SPDX-License-Identifier: GPL-2.0
/*
 * Every pen ioctl with good values and with each class of bad value:
 * out of range, off the depth grid, unknown mask bits, non-zero reserved
 * fields, bad pointers and unknown commands. A refused call must change
 * nothing. Built twice, natively and as a 32-bit program, so the same
 * assertions cover compat_ioctl.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID	100

PEN_SIM_FIXTURE(pen, SIM_ID, NULL, 0, 0);

static void expect_setpoints(struct __test_metadata *_metadata, int fd,
			     uint32_t depth_um, uint32_t rate_mhz)
{
	struct pen_status st = pen_status_of(fd);

	EXPECT_EQ(depth_um, st.depth_um);
	EXPECT_EQ(rate_mhz, st.rate_mhz);
}

/* The pen's limits, as GET_INFO reports them in @info. */
static void expect_limits(struct __test_metadata *_metadata,
			  const struct pen_info *info, uint32_t depth_min_um,
			  uint32_t depth_max_um, uint32_t depth_step_um,
			  uint32_t rate_min_mhz, uint32_t rate_max_mhz,
			  uint32_t needles)
{
	EXPECT_EQ(depth_min_um, info->depth_min_um);
	EXPECT_EQ(depth_max_um, info->depth_max_um);
	EXPECT_EQ(depth_step_um, info->depth_step_um);
	EXPECT_EQ(rate_min_mhz, info->rate_min_mhz);
	EXPECT_EQ(rate_max_mhz, info->rate_max_mhz);
	EXPECT_EQ(needles, info->needle_count);
}

/* A SET_PARAMS argument: which fields to set, and their values. */
struct params_case {
	uint32_t mask, depth, rate;
};

/*
 * Each of the @n setpoint changes @bad is refused with @err and leaves
 * the setpoints at @depth_um and @rate_mhz, as they were.
 */
static void expect_params_refused(struct __test_metadata *_metadata, int fd,
				  int err, const struct params_case *bad,
				  size_t n, uint32_t depth_um,
				  uint32_t rate_mhz)
{
	size_t i;

	for (i = 0; i < n; i++) {
		errno = 0;
		EXPECT_EQ(-1, pen_params_set(fd, bad[i].mask, bad[i].depth,
					     bad[i].rate))
			TH_LOG("case %zu", i);
		EXPECT_EQ(err, errno) TH_LOG("case %zu", i);
		expect_setpoints(_metadata, fd, depth_um, rate_mhz);
	}
}

/* expect_params_refused() on the fixture's pen, for the cases listed. */
#define EXPECT_PARAMS_REFUSED(err, depth_um, rate_mhz, ...)		\
	do {								\
		static const struct params_case bad_[] = {		\
			__VA_ARGS__					\
		};							\
									\
		expect_params_refused(_metadata, self->fd, (err), bad_,	\
				      ARRAY_SIZE(bad_), (depth_um),	\
				      (rate_mhz));			\
	} while (0)

TEST_F(pen, get_info_reports_identity_and_default_limits)
{
	struct pen_info info;
	char name[32], serial[32];
	size_t i;

	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(PEN_API_VERSION, info.api_version);
	expect_limits(_metadata, &info, 0, 3000, 10, 25000, 300000, 12);
	/* A default simulated pen has its buttons, but no footswitch. */
	EXPECT_EQ(PEN_INFO_BUTTONS, info.flags);
	snprintf(name, sizeof(name), "pen%d", sim_pen_index(SIM_ID));
	EXPECT_STREQ(name, info.name);
	EXPECT_STREQ(SIM_DRIVER, info.driver);
	EXPECT_STREQ(pen_backend_is_sim() ? "pen-sim" : "pen-testbench", info.model);
	EXPECT_STREQ(sim_serial(SIM_ID, serial, sizeof(serial)), info.serial);
	if (!sim_from_device_tree())
		EXPECT_STREQ(pen_backend_is_sim() ? "SIM-00000100" : "TB-00000100",
			     info.serial);
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		EXPECT_EQ(0, info.reserved[i]);
	/* Strings are NUL-padded, so no stale bytes leak out. */
	EXPECT_EQ(0, info.name[sizeof(info.name) - 1]);
	EXPECT_EQ(0, info.serial[strlen(info.serial) + 1]);
}

TEST(get_info_reports_configured_limits)
{
	struct pen_info info;
	int fd;

	sim_delete(SIM_ID + 1);
	ASSERT_EQ(0, sim_create(SIM_ID + 1,
				"depth_min_um=200 depth_max_um=1500 depth_step_um=250 rate_min_mhz=50000 rate_max_mhz=150000 needles=36"));
	fd = sim_open(SIM_ID + 1, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_GET_INFO, &info));
	expect_limits(_metadata, &info, 200, 1500, 250, 50000, 150000, 36);
	/* A new pen starts at its shallowest depth and slowest rate. */
	expect_setpoints(_metadata, fd, 200, 50000);
	close(fd);
	EXPECT_EQ(0, sim_delete(SIM_ID + 1));
}

TEST_F(pen, initial_status_is_stopped_and_controlled)
{
	struct pen_status st = pen_status_of(self->fd);
	size_t i;

	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_NONE, st.stop_reason);
	EXPECT_EQ(PEN_STATUS_CONTROLLED, st.flags);
	EXPECT_EQ(0, st.depth_um);
	EXPECT_EQ(25000, st.rate_mhz);
	EXPECT_EQ(0, st.strokes);
	EXPECT_EQ(0, st.missed_strokes);
	for (i = 0; i < sizeof(st.reserved) / sizeof(st.reserved[0]); i++)
		EXPECT_EQ(0, st.reserved[i]);
}

TEST_F(pen, set_params_applies_depth_rate_or_both)
{
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 500, 0));
	expect_setpoints(_metadata, self->fd, 500, 25000);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_RATE, 0, 120000));
	expect_setpoints(_metadata, self->fd, 500, 120000);
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 3000, 300000));
	expect_setpoints(_metadata, self->fd, 3000, 300000);
	/* The limits themselves are inside the range. */
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 0, 25000));
	expect_setpoints(_metadata, self->fd, 0, 25000);
}

TEST_F(pen, out_of_range_is_erange_and_changes_nothing)
{
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 120000));
	EXPECT_PARAMS_REFUSED(ERANGE, 500, 120000,
			      { PEN_PARAM_DEPTH, 3010, 0 },
			      { PEN_PARAM_DEPTH, UINT32_MAX, 0 },
			      { PEN_PARAM_RATE, 0, 24999 },
			      { PEN_PARAM_RATE, 0, 300001 },
			      { PEN_PARAM_RATE, 0, 0 },
			      { PEN_PARAM_RATE, 0, UINT32_MAX },
			      /* A good field with a bad one: refused too. */
			      { PEN_PARAM_ALL, 800, 400000 },
			      { PEN_PARAM_ALL, 5000, 100000 });
}

TEST_F(pen, depth_off_the_step_grid_is_einval)
{
	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_DEPTH, 500, 0));
	EXPECT_PARAMS_REFUSED(EINVAL, 500, 25000,
			      { PEN_PARAM_DEPTH, 505, 0 },
			      { PEN_PARAM_DEPTH, 1, 0 });
}

TEST_F(pen, bad_mask_is_einval)
{
	EXPECT_PARAMS_REFUSED(EINVAL, 0, 25000,
			      { 0, 500, 120000 },
			      { PEN_PARAM_ALL | 4, 500, 120000 },
			      { 1U << 31, 500, 120000 });
}

TEST_F(pen, value_left_out_of_the_mask_must_be_zero)
{
	EXPECT_PARAMS_REFUSED(EINVAL, 0, 25000,
			      { PEN_PARAM_DEPTH, 500, 120000 },
			      { PEN_PARAM_RATE, 500, 120000 });
}

TEST_F(pen, nonzero_reserved_field_is_einval)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		struct pen_params p = {
			.mask = PEN_PARAM_ALL, .depth_um = 500,
			.rate_mhz = 120000,
		};

		p.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_SET_PARAMS, &p));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%zu]", i);
	}
	expect_setpoints(_metadata, self->fd, 0, 25000);
}

TEST_F(pen, bad_pointers_are_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long cmds[] = {
		PEN_IOC_GET_INFO, PEN_IOC_GET_STATUS, PEN_IOC_SET_PARAMS,
	};
	char *map;
	size_t i;

	/* Two pages, the second unmapped: a struct that straddles them. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], (void *)16));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], map + page - 8));
		EXPECT_EQ(EFAULT, errno);
	}
	munmap(map, page);
	expect_setpoints(_metadata, self->fd, 0, 25000);
}

TEST_F(pen, unknown_ioctl_is_enotty)
{
	unsigned long cmds[] = {
		_IO(PEN_IOC_MAGIC, 0x7f),
		_IOR(PEN_IOC_MAGIC, 0x00, uint32_t),	/* GET_INFO, wrong size */
		_IOW(PEN_IOC_MAGIC, 0x01, uint64_t),	/* SET_PARAMS, wrong size */
		_IOW(PEN_IOC_MAGIC, 0x02, uint32_t),	/* START with an argument */
		_IO('T', 0x01),
		0,
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char buf[256] = { 0 };

		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], buf));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(self->fd).state);
}

TEST_F(pen, start_and_stop)
{
	struct pen_status st;

	ASSERT_EQ(0, pen_params_set(self->fd, PEN_PARAM_ALL, 500, 100000));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(1, sim_state(SIM_ID, "drive"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_RUNNING, st.state);
	EXPECT_EQ(0, st.stopped_ns);
	EXPECT_NE(0, st.started_ns);

	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EALREADY, errno);

	sleep_ns(50000000);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	EXPECT_LT(st.started_ns, st.stopped_ns);
	EXPECT_LT(0, st.run_strokes);
	EXPECT_EQ(st.strokes, st.run_strokes);
	EXPECT_EQ(500, st.last_reached_um);

	/* Stopping a stopped pen is not an error. */
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(pen, no_lseek)
{
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

TEST_HARNESS_MAIN
