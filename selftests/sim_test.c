// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated pens come and go at run time: creation errors reach the
 * writer, the class device describes the pen, and removing a pen stops
 * its needle and leaves open files with -ENODEV until they close.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID	400

TEST(creation_errors_reach_the_writer)
{
	char path[128];

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	sim_delete(SIM_ID);
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "depth_max_um"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "colour=blue"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "lag_us=fast"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "depth_step_um=0"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "depth_min_um=500 depth_max_um=100"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "rate_min_mhz=0"));
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "record_size=0"));
	/* The core refuses rates above 50 kHz from any backend. */
	EXPECT_EQ(-EINVAL, sim_create(SIM_ID, "rate_max_mhz=50000001"));
	EXPECT_EQ(-EINVAL, sim_write(sim_bus_file(path, sizeof(path), "new_device"), "x"));
	EXPECT_EQ(-EINVAL, sim_write(path, "\n"));
	EXPECT_EQ(-ENOENT, sim_pen_index(SIM_ID));

	ASSERT_EQ(0, sim_create(SIM_ID, "rate_max_mhz=50000000"));
	EXPECT_EQ(-EEXIST, sim_create(SIM_ID, NULL));
	EXPECT_EQ(0, sim_delete(SIM_ID));
	EXPECT_EQ(-ENOENT, sim_delete(SIM_ID));
	EXPECT_EQ(-EINVAL, sim_write(sim_bus_file(path, sizeof(path), "del_device"), "pen"));
}

TEST(the_injection_file_refuses_what_it_cannot_parse)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[128], big[100];
	void *map;
	int fd;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, NULL));
	/* Nothing to do, a word too many, too long, not numbers, too large. */
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, " \t\n"));
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, "cartridge_insert 1 2 3 4"));
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "reset", 5);
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, big));
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, "over_depth ten"));
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, "over_depth -1"));
	EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, "late 100001"));
	/* A buffer the writer does not have: a page unmapped. */
	map = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	fd = open(sim_debugfs_file(path, sizeof(path), SIM_ID, "inject"),
		  O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, map, 5));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
	munmap(map, page);
	/* None of them reached the pen; a good one does. */
	EXPECT_EQ(0, sim_state(SIM_ID, "inject_ns"));
	EXPECT_EQ(0, sim_inject(SIM_ID, "late 100000"));
	EXPECT_LT(0, sim_state(SIM_ID, "inject_ns"));
	EXPECT_EQ(0, sim_delete(SIM_ID));

	/* Ids name devices, whose numbers the driver core keeps as int. */
	EXPECT_EQ(-EINVAL, sim_create(2147483648U, NULL));
	EXPECT_EQ(-ENOENT, sim_pen_index(2147483648U));
}

/* The stroke record is a ring: it keeps the newest, and counts the rest. */
TEST(the_stroke_record_keeps_the_newest_strokes)
{
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	long long count;
	long n, i;
	int fd;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	sim_delete(SIM_ID);
	pen_fixture_open(_metadata, &fd, SIM_ID, "record_size=8", O_RDWR,
			 500, 200000);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	st = pen_wait_run_strokes(fd, 20, 5000);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	ASSERT_LE(20, st.run_strokes);

	count = sim_state(SIM_ID, "strokes");
	ASSERT_LE(20, count);
	EXPECT_EQ(count - 8, sim_state(SIM_ID, "strokes_dropped"));
	n = sim_strokes(SIM_ID, &rec);
	ASSERT_EQ(8, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ((uint64_t)(count - 8 + i), rec[i].seq);
	free(rec);
	pen_fixture_close(fd, SIM_ID);
}

TEST(a_new_pen_has_a_device_node)
{
	char path[64];
	struct stat sb;
	int n;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, NULL));
	n = sim_pen_index(SIM_ID);
	ASSERT_LE(0, n);
	snprintf(path, sizeof(path), "/dev/pen%d", n);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_TRUE(S_ISCHR(sb.st_mode));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	ASSERT_EQ(0, sim_delete(SIM_ID));
	EXPECT_EQ(-1, stat(path, &sb));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * The character device region holds 256 pens: the one after them is
 * refused with ENOSPC, leaves nothing behind, and a pen removed makes
 * room again.
 */
#define MANY_ID		2000U
#define PEN_MAX		256

FIXTURE(many) {
};

FIXTURE_SETUP(many)
{
}

FIXTURE_TEARDOWN(many)
{
}

/* 512 creations and removals: a minute on the debug kernel under -icount. */
TEST_F_TIMEOUT(many, the_257th_pen_is_refused_with_enospc, 600)
{
	int existing, made = 0, i;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	existing = dir_count("/sys/class/pen", "pen");
	ASSERT_LE(0, existing);
	ASSERT_GT(PEN_MAX, existing);
	for (i = 0; i < PEN_MAX - existing; i++) {
		if (sim_create(MANY_ID + i, NULL))
			break;
		made++;
	}
	EXPECT_EQ(PEN_MAX - existing, made);
	EXPECT_EQ(-ENOSPC, sim_create(MANY_ID + made, NULL));
	EXPECT_EQ(-ENOENT, sim_pen_index(MANY_ID + made));
	EXPECT_EQ(PEN_MAX, dir_count("/sys/class/pen", "pen"));
	if (made) {
		EXPECT_EQ(0, sim_delete(MANY_ID));
		EXPECT_EQ(0, sim_create(MANY_ID + made, NULL));
		EXPECT_EQ(0, sim_delete(MANY_ID + made));
	}
	for (i = 1; i < made; i++)
		EXPECT_EQ(0, sim_delete(MANY_ID + i));
	EXPECT_EQ(existing, dir_count("/sys/class/pen", "pen"));
}

/* Attribute @attr of simulated pen SIM_ID, its first line, or "" */
static const char *attr_of(const char *attr)
{
	static char buf[64];

	if (sim_pen_attr_read(SIM_ID, attr, buf, sizeof(buf)))
		return "";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * What the class device tells udev rules and an administrator without
 * an open file: the backend, model and serial, the hardware's limits as
 * the backend gave them, and the administrator's limits as set.
 */
TEST(the_class_device_describes_the_pen)
{
	char serial[32];

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, "depth_min_um=100 depth_max_um=2500 "
				"depth_step_um=5 rate_min_mhz=30000 "
				"rate_max_mhz=200000 needles=36"));
	snprintf(serial, sizeof(serial), "SIM-%08u", (unsigned int)SIM_ID);
	EXPECT_STREQ("pen_sim", attr_of("backend"));
	EXPECT_STREQ("pen-sim", attr_of("model"));
	EXPECT_STREQ(serial, attr_of("serial"));
	EXPECT_STREQ("36", attr_of("needle_count"));
	EXPECT_STREQ("100", attr_of("depth_min_um"));
	EXPECT_STREQ("2500", attr_of("depth_max_um"));
	EXPECT_STREQ("5", attr_of("depth_step_um"));
	EXPECT_STREQ("30000", attr_of("rate_min_mhz"));
	EXPECT_STREQ("200000", attr_of("rate_max_mhz"));
	/* The limits start at the hardware's maximum and an hour. */
	EXPECT_STREQ("2500", attr_of("depth_cap_um"));
	EXPECT_STREQ("3600", attr_of("max_run_time_s"));
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", "1200"));
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "max_run_time_s", "90"));
	EXPECT_STREQ("1200", attr_of("depth_cap_um"));
	EXPECT_STREQ("90", attr_of("max_run_time_s"));
	ASSERT_EQ(0, sim_delete(SIM_ID));
}

TEST(removal_stops_the_needle_and_open_files_get_enodev)
{
	struct pen_status st;
	struct pen_params p = { .mask = PEN_PARAM_DEPTH, .depth_um = 100 };
	struct pen_info info;
	int rw, ro;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	pen_fixture_open(_metadata, &rw, SIM_ID, NULL, O_RDWR, 0, 0);
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, pen_params_set(rw, PEN_PARAM_ALL, 500, 200000));
	ASSERT_EQ(0, ioctl(rw, PEN_IOC_START));
	sleep_ns(30000000);

	ASSERT_EQ(0, sim_delete(SIM_ID));
	EXPECT_EQ(-1, ioctl(rw, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_GET_STATUS, &st));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(rw, PEN_IOC_SET_PARAMS, &p));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(rw, PEN_IOC_START));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(ro, PEN_IOC_STOP));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, close(rw));
	EXPECT_EQ(0, close(ro));
}

TEST(a_removed_pen_can_come_back)
{
	int i, fd;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, sim_create(SIM_ID, "rate_max_mhz=250000"));
		fd = sim_open(SIM_ID, O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_RATE, 0, 250000));
		ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
		/* Removed with the needle running and the file open. */
		ASSERT_EQ(0, sim_delete(SIM_ID));
		close(fd);
	}
}

TEST(unloading_the_backend_stops_its_running_needles)
{
	struct pen_info info;
	int fd;

	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's own test");
	pen_fixture_open(_metadata, &fd, SIM_ID, NULL, O_RDWR, 0, 0);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* The open file pins pen.ko, not its backend. */
	ASSERT_EQ(0, pen_module_unload("pen_sim"));
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-EWOULDBLOCK, pen_module_unload("pen"));
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, pen_module_load("pen_sim", NULL));
	EXPECT_EQ(0, access("/dev/pen0", F_OK));
}

TEST_HARNESS_MAIN
