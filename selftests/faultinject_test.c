// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation on the way to a working pen fails once, in turn, and
 * the error unwinds cleanly. With /proc/thread-self/fail-nth (failslab
 * and fail_page_alloc; see the kernel's fault-injection.rst), the Nth
 * allocation of the next system call fails; N counts up from 1 until the
 * call goes through without reaching it. So every step of
 * new_device (the sysfs write, parsing, the instance's device, its
 * record, pen_register(): the pen, its number, its cdev and class device
 * with the sysfs groups, the input device and its evdev handler, debugfs,
 * the cartridge) fails once, and so does open (the file's event ring) and
 * del_device.
 *
 * After each: a failed call left nothing behind (no instance, pen, node,
 * input device or debugfs directory; kmemleak, on the debug kernel, sees
 * the memory), a call that went through despite the fault (debugfs is
 * best effort) made a pen that works, and the next creation works.
 * Kernels without fault injection (the stock ones) skip, saying so.
 * scripts/check runs it on both of pen_sim's stroke loops: the hard-irq
 * timer, and the stroke thread (threaded=1), whose thread is made before
 * the pen's node and must be ended when a later step fails. On the test
 * bench (PEN_BACKEND=testbench) it fails every allocation of pen_vcm's
 * probe in turn instead, binding it by hand to a bench's device.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_proc.h"

#define SIM_ID		1600U
#define SIM_OPTS	"record_size=64 footswitch=1"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc"
#define MAX_NTH		5000
#define VCM_DRIVER	"/sys/bus/platform/drivers/pen-vcm"
/* Each test is one backend's: pen_sim's bus, or pen_vcm's probe. */
#define SIM_ONLY	"pen_sim's bus: on pen_sim"
#define BENCH_ONLY	"pen_vcm's probe: on the test bench (PEN_BACKEND=testbench)"

/* The debugfs knobs we set, and what to put back. */
static const struct {
	const char *file, *value;
} knobs[] = {
	/* Fail allocations that may sleep too (all of ours). */
	{ FAILSLAB "/ignore-gfp-wait", "N" },
	{ FAIL_PAGE "/ignore-gfp-wait", "N" },
	{ FAIL_PAGE "/ignore-gfp-highmem", "N" },
	/* Single pages too, not only higher orders. */
	{ FAIL_PAGE "/min-order", "0" },
	/* An injected failure is expected: no stack dump in the log. */
	{ FAILSLAB "/verbose", "0" },
	{ FAIL_PAGE "/verbose", "0" },
};
#define NKNOBS	(sizeof(knobs) / sizeof(knobs[0]))

/* pen_read_file(), its first line only */
static int read_file(const char *path, char *buf, size_t len)
{
	int ret = pen_read_file(path, buf, len);

	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

FIXTURE(fi) {
	int nth;		/* /proc/thread-self/fail-nth */
	char saved[NKNOBS][32];
	struct pen_traces before;
	unsigned long faults, failed, survived, einval;
};

FIXTURE_SETUP(fi)
{
	struct stat sb;
	size_t i;

	self->nth = -1;
	if (stat(FAIL_NTH, &sb) || stat(FAILSLAB, &sb) || stat(FAIL_PAGE, &sb))
		SKIP(return,
		     "no fault injection in this kernel (needs FAULT_INJECTION_DEBUG_FS, FAILSLAB, FAIL_PAGE_ALLOC: the debug kernel has them)");
	for (i = 0; i < NKNOBS; i++) {
		ASSERT_EQ(0, read_file(knobs[i].file, self->saved[i],
				       sizeof(self->saved[i])))
			TH_LOG("%s", knobs[i].file);
		ASSERT_EQ(0, sim_write(knobs[i].file, knobs[i].value))
			TH_LOG("%s", knobs[i].file);
	}
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth);
	sim_delete(SIM_ID);
	self->before = pen_traces_now();
}

FIXTURE_TEARDOWN(fi)
{
	size_t i;

	if (self->nth < 0)
		return;
	close(self->nth);
	for (i = 0; i < NKNOBS; i++)
		sim_write(knobs[i].file, self->saved[i]);
	sim_delete(SIM_ID);
}

/* The Nth allocation of this thread's next system call will fail. */
static int arm(int nth, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth, buf, len, 0) == len ? 0 : -errno;
}

/* Did the armed failure fire (and disarm it if not)? 1, 0, or -errno. */
static int fired(int nth)
{
	char buf[16] = "";
	ssize_t n = pread(nth, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -errno;
	if (atoi(buf) == 0)
		return 1;
	return pwrite(nth, "0", 1, 0) == 1 ? 0 : -errno;
}

/* A pen that came out of a faulted call must work like any other. */
static void expect_working(struct __test_metadata *_metadata)
{
	struct pen_info info;
	int fd = sim_open(SIM_ID, O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(PEN_INFO_BUTTONS | PEN_INFO_FOOTSWITCH, info.flags);
	EXPECT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 500, 100000));
	EXPECT_EQ(PEN_STATUS_CONTROLLED, pen_status_of(fd).flags);
	close(fd);
}

/*
 * Nothing of a pen is left that was not there when the test began.
 * Returns whether so, for the caller to say after what if not.
 */
static int expect_traces_as_before(struct __test_metadata *_metadata,
				   FIXTURE_DATA(fi) *self)
{
	struct pen_traces t = pen_traces_now();
	int same = pen_traces_equal(&self->before, &t);

	EXPECT_TRUE(same) {
		pen_traces_print("before", &self->before);
		pen_traces_print("now", &t);
	}
	return same;
}

/* The next creation works, and leaves nothing when removed. */
static void expect_creation_works(struct __test_metadata *_metadata,
				  FIXTURE_DATA(fi) *self, unsigned int n)
{
	ASSERT_EQ(0, sim_create(SIM_ID, SIM_OPTS)) TH_LOG("after fault %u", n);
	expect_working(_metadata);
	ASSERT_EQ(0, sim_delete(SIM_ID));
	expect_traces_as_before(_metadata, self);
}

/*
 * Writes @line to @path with the @n-th allocation of the write armed to
 * fail. Returns what write() did, its errno in *@err (0 if it went
 * through), and in *@f whether the failure fired, which it counts in
 * self->faults.
 */
static ssize_t faulted_write(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fi) *self, const char *path,
			     const char *line, unsigned int n, int *err, int *f)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(self->nth, n));
	ret = write(fd, line, strlen(line));
	*err = ret < 0 ? errno : 0;
	*f = fired(self->nth);
	close(fd);
	ASSERT_LE(0, *f);
	self->faults += *f;
	return ret;
}

/* faulted_write() to the bus file @file ("new_device") */
static ssize_t faulted_bus_write(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fi) *self, const char *file,
				 const char *line, unsigned int n, int *err,
				 int *f)
{
	char path[128];

	return faulted_write(_metadata, self,
			     sim_bus_file(path, sizeof(path), file), line, n,
			     err, f);
}

TEST_F_TIMEOUT(fi, every_allocation_of_new_device_fails_once, 600)
{
	char line[128];
	unsigned int n;
	ssize_t ret;
	int f, err;

	if (!pen_backend_is_sim())
		SKIP(return, SIM_ONLY);
	snprintf(line, sizeof(line), "%u %s", SIM_ID, SIM_OPTS);
	for (n = 1; n < MAX_NTH; n++) {
		ret = faulted_bus_write(_metadata, self, "new_device", line, n,
					&err, &f);
		if (ret < 0) {
			/*
			 * Only an injected failure may fail it. Mostly with
			 * ENOMEM; the driver core turns some failed
			 * allocations into EINVAL (a device whose name
			 * could not be allocated), which reaches the writer
			 * as it is.
			 */
			EXPECT_TRUE(f) TH_LOG("fault %u: %s", n, strerror(err));
			EXPECT_TRUE(err == ENOMEM || err == EINVAL)
				TH_LOG("fault %u: %s", n, strerror(err));
			self->failed++;
			self->einval += err == EINVAL;
		} else {
			self->survived += f;
			expect_working(_metadata);
			ASSERT_EQ(0, sim_delete(SIM_ID)) TH_LOG("fault %u", n);
		}
		/* Nothing left behind, either way. */
		if (!expect_traces_as_before(_metadata, self))
			TH_LOG("fault %u: write %zd (%s)", n, ret,
			       ret < 0 ? strerror(err) : "ok");
		expect_creation_works(_metadata, self, n);
		if (!f)
			break;
	}
	EXPECT_GT(MAX_NTH, n);
	EXPECT_LE(10, self->faults);
	printf("# new_device: %lu allocations failed in turn: %lu creations failed cleanly (%lu with EINVAL, the rest ENOMEM), %lu went through with a working pen\n",
	       self->faults, self->failed, self->einval, self->survived);
}

/* The readers debugfs file of simulated pen SIM_ID: open files, or -errno. */
static int open_files(void)
{
	int n = sim_pen_index(SIM_ID);

	return n < 0 ? n : pen_open_files(n);
}

TEST_F(fi, every_allocation_of_open_fails_once)
{
	struct pen_status st;
	unsigned int n;
	int fd, ro, f, err;

	if (!pen_backend_is_sim())
		SKIP(return, SIM_ONLY);
	ASSERT_EQ(0, sim_create(SIM_ID, SIM_OPTS));
	for (n = 1; n < MAX_NTH; n++) {
		ASSERT_EQ(0, arm(self->nth, n));
		fd = sim_open(SIM_ID, O_RDWR);
		err = errno;
		f = fired(self->nth);
		ASSERT_LE(0, f);
		self->faults += f;

		if (fd < 0) {
			EXPECT_TRUE(f) TH_LOG("fault %u: %s", n, strerror(err));
			EXPECT_EQ(ENOMEM, err) TH_LOG("fault %u", n);
			self->failed++;
			/* No ring left on the pen, no control taken. */
			EXPECT_EQ(0, open_files()) TH_LOG("fault %u", n);
			ro = sim_open(SIM_ID, O_RDONLY);
			ASSERT_LE(0, ro);
			st = pen_status_of(ro);
			EXPECT_EQ(0, st.flags & PEN_STATUS_CONTROLLED);
			EXPECT_EQ(1, open_files());
			close(ro);
		} else {
			self->survived += f;
			EXPECT_EQ(1, open_files());
			EXPECT_EQ(PEN_STATUS_CONTROLLED, pen_status_of(fd).flags);
			close(fd);
		}
		/* A later open works and takes control. */
		fd = sim_open(SIM_ID, O_RDWR);
		ASSERT_LE(0, fd) TH_LOG("after fault %u", n);
		EXPECT_EQ(0, ioctl(fd, PEN_IOC_START));
		EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));
		close(fd);
		EXPECT_EQ(0, open_files());
		if (!f)
			break;
	}
	EXPECT_GT(MAX_NTH, n);
	EXPECT_LE(2, self->faults);
	ASSERT_EQ(0, sim_delete(SIM_ID));
	printf("# open: %lu allocations failed in turn: %lu opens failed cleanly, %lu went through\n",
	       self->faults, self->failed, self->survived);
}

TEST_F(fi, every_allocation_of_del_device_fails_once)
{
	char line[32];
	unsigned int n;
	ssize_t ret;
	int f, err;

	if (!pen_backend_is_sim())
		SKIP(return, SIM_ONLY);
	snprintf(line, sizeof(line), "%u", SIM_ID);
	for (n = 1; n < MAX_NTH; n++) {
		ASSERT_EQ(0, sim_create(SIM_ID, SIM_OPTS));
		ret = faulted_bus_write(_metadata, self, "del_device", line, n,
					&err, &f);
		if (ret < 0) {
			/* Refused before anything was done: still whole. */
			EXPECT_TRUE(f) TH_LOG("fault %u: %s", n, strerror(err));
			self->failed++;
			expect_working(_metadata);
			ASSERT_EQ(0, sim_delete(SIM_ID));
		} else {
			self->survived += f;
		}
		if (!expect_traces_as_before(_metadata, self))
			TH_LOG("fault %u: write %zd", n, ret);
		if (!f)
			break;
	}
	EXPECT_GT(MAX_NTH, n);
	printf("# del_device: %lu allocations failed in turn: %lu removals refused whole, %lu removed the pen regardless\n",
	       self->faults, self->failed, self->survived);
}

/*
 * Bench SIM_ID's pen works: it strokes, and stops. After a fault (@n,
 * @faulted) the cartridge's EEPROM may have been unreadable: then the
 * pen knows no cartridge and refuses to start (ENOMEDIUM), as it must
 * for a cartridge it cannot identify. Returns whether that happened.
 */
static int expect_bench_pen_works(struct __test_metadata *_metadata,
				  unsigned int n, int faulted)
{
	int fd = sim_open(SIM_ID, O_RDWR), ret, err, no_cartridge = 0;
	struct pen_status st;

	ASSERT_LE(0, fd) TH_LOG("fault %u: %s", n, strerror(errno));
	EXPECT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 500, 100000))
		TH_LOG("fault %u: %s", n, strerror(errno));
	ret = ioctl(fd, PEN_IOC_START);
	err = errno;
	st = pen_status_of(fd);
	if (ret && faulted && err == ENOMEDIUM &&
	    st.cartridge_state == PEN_CARTRIDGE_NONE) {
		no_cartridge = 1;
	} else {
		EXPECT_EQ(0, ret) TH_LOG("fault %u: %s", n, strerror(err));
		EXPECT_EQ(1, sim_state(SIM_ID, "drive")) TH_LOG("fault %u", n);
	}
	EXPECT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	close(fd);
	return no_cartridge;
}

/*
 * pen_vcm's probe, every allocation failing once in turn: a bench is made
 * and pen_vcm unbound from it, then bound again by hand with the Nth
 * allocation of the bind armed to fail. A bind that fails leaves no pen,
 * no node, no input device and the drive off; one that goes through has
 * a pen that works, or that knows no cartridge when the fault hit the
 * EEPROM's read. After either of the last two the next bind works whole;
 * every unbind leaves nothing.
 */
TEST_F_TIMEOUT(fi, every_allocation_of_pen_vcm_probe_fails_once, 600)
{
	unsigned long refused_enomem = 0, no_cartridge = 0;
	char dev[32];
	unsigned int n;
	int f, err, sick;

	if (pen_backend_is_sim())
		SKIP(return, BENCH_ONLY);
	if (sim_from_device_tree())
		SKIP(return, "the device tree's benches are bound at boot");
	snprintf(dev, sizeof(dev), "pen-vcm.%u", SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, NULL));
	ASSERT_EQ(0, sim_write(VCM_DRIVER "/unbind", dev));
	self->before = pen_traces_now();
	for (n = 1; n < MAX_NTH; n++) {
		faulted_write(_metadata, self, VCM_DRIVER "/bind", dev, n, &err,
			      &f);
		if (err) {
			/*
			 * Only an injected failure may fail it, with what the
			 * allocation or the consumer API that made it said:
			 * ENOMEM, or for a lookup the provider's "not found".
			 */
			EXPECT_TRUE(f) TH_LOG("fault %u: %s", n, strerror(err));
			EXPECT_TRUE(err == ENOMEM || err == ENOENT ||
				    err == ENODEV || err == EINVAL)
				TH_LOG("fault %u: %s", n, strerror(err));
			self->failed++;
			refused_enomem += err == ENOMEM;
			EXPECT_EQ(-ENOENT, sim_pen_index(SIM_ID))
				TH_LOG("fault %u", n);
			EXPECT_EQ(0, sim_state(SIM_ID, "drive"))
				TH_LOG("fault %u", n);
			EXPECT_EQ(0, sim_state(SIM_ID, "regulator"))
				TH_LOG("fault %u", n);
			sick = 1;
		} else {
			self->survived += f;
			sick = expect_bench_pen_works(_metadata, n, f);
			no_cartridge += sick;
			ASSERT_EQ(0, sim_write(VCM_DRIVER "/unbind", dev))
				TH_LOG("fault %u", n);
		}
		if (!expect_traces_as_before(_metadata, self))
			TH_LOG("fault %u: %s", n, err ? strerror(err) : "bound");
		/*
		 * After a bind that failed or came up without its cartridge,
		 * the next bind works whole, and unbinds to nothing. (One
		 * that worked has just shown as much.)
		 */
		if (sick) {
			ASSERT_EQ(0, sim_write(VCM_DRIVER "/bind", dev))
				TH_LOG("after fault %u", n);
			expect_bench_pen_works(_metadata, n, 0);
			ASSERT_EQ(0, sim_write(VCM_DRIVER "/unbind", dev));
			expect_traces_as_before(_metadata, self);
		}
		if (!f)
			break;
	}
	EXPECT_GT(MAX_NTH, n);
	EXPECT_LE(10, self->faults);
	EXPECT_EQ(0, sim_delete(SIM_ID));
	printf("# pen_vcm probe: %lu allocations failed in turn: %lu binds failed cleanly (%lu with ENOMEM), %lu went through with a working pen (%lu knowing no cartridge: its EEPROM unread)\n",
	       self->faults, self->failed, refused_enomem, self->survived,
	       no_cartridge);
}

TEST_HARNESS_MAIN
