// SPDX-License-Identifier: GPL-2.0
/*
 * The platform backend (pen_vcm.ko) on its test bench (pen_testbench.ko,
 * docs/testbench.md): what only hardware shows. The power sequencing
 * seen on the supply, enable line and PWM; depths the needle reached,
 * measured through the ADC; faults the backend itself detects from its
 * sensors; the cartridge's EEPROM and detect switch; the driver unbound
 * while the needle runs; a supply, PWM, ADC, EEPROM or input line that
 * fails; boards pen_vcm refuses; the stroke path its PWM and GPIO
 * controllers allow. Always on the bench, whatever PEN_BACKEND says;
 * skipped where the bench is not loaded (a kernel without IIO).
 */
#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"

#define TB_ID		1300
#define PERIOD_NS	10000000ULL	/* 100 Hz */
#define TRAVEL_UM	3000		/* the bench's default depth_max_um */
#define PWM_PERIOD_NS	50000		/* the bench's PWM lookup */
#define LAG_NS		400000		/* the bench's default lag_us */

/*
 * This test is the bench's: its helpers use the bench's files. Before
 * pen_util.h's pen_selftest_ready(), which skips it without the bench.
 */
__attribute__((constructor(101))) static void hw_use_the_bench(void)
{
	setenv("PEN_BACKEND", "testbench", 1);
}

static int bench_loaded(void)
{
	return !access("/sys/bus/pen_testbench/new_device", W_OK);
}

/* Nonzero if bench instance @id exists. */
static int bench_exists(unsigned int id)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/bus/pen_testbench/devices/pen_tb%u", id);
	return !access(path, F_OK);
}

FIXTURE(bench) {
	int fd;
};

FIXTURE_VARIANT(bench) {
	const char *opts;
};

FIXTURE_VARIANT_ADD(bench, default) {
	.opts = NULL,
};

FIXTURE_SETUP(bench)
{
	self->fd = -1;
	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	pen_fixture_open(_metadata, &self->fd, TB_ID, variant->opts, O_RDWR,
			 600, 100000);
}

FIXTURE_TEARDOWN(bench)
{
	pen_fixture_close(self->fd, TB_ID);
}

/* The needle off in every way the bench can tell. */
/*
 * On the hard-irq path the supply goes off from pen_vcm's sampling
 * thread, a wake-up after the cut: wait for it, 1 s at most.
 */
static void wait_supply_off(unsigned int id)
{
	int i;

	if (pen_on_stroke_thread(id))
		return;
	for (i = 0; i < 1000 && sim_state(id, "regulator") != 0; i++)
		sleep_ns(1000000);
}

static void expect_all_off(struct __test_metadata *_metadata)
{
	wait_supply_off(TB_ID);
	EXPECT_EQ(0, sim_state(TB_ID, "drive"));
	EXPECT_EQ(0, sim_state(TB_ID, "regulator"));
	EXPECT_EQ(0, sim_state(TB_ID, "pwm_enabled"));
	EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
	EXPECT_EQ(0, sim_state(TB_ID, "sequence_errors"));
}

/*
 * Runs the needle 30 ms, injects @cmd and waits for the stop it causes:
 * by @fault, of @value, with the needle off in every way the bench can
 * tell. Returns the status after the stop.
 */
static struct pen_status run_into_fault(struct __test_metadata *_metadata,
					int fd, const char *cmd,
					uint32_t fault, uint32_t value)
{
	struct pen_status st;

	st = pen_run_then_inject(_metadata, fd, TB_ID, 30000000, cmd, 2000);
	expect_fault_stop(_metadata, &st, fault);
	EXPECT_EQ(value, st.fault_value);
	expect_all_off(_metadata);
	return st;
}

/*
 * Where the device tree has benches (the arm64 guest's), the pen came
 * from one: pen-vcm's device node is the needle-drive child of a bench
 * under /pen-testbench, and it has no software node; its serial number
 * is that node's. Elsewhere (x86: no device tree) it has its software
 * node and no device tree node.
 */
TEST_F(bench, the_pen_comes_from_the_device_tree_where_it_has_benches)
{
	char dev[64], path[128], link[PATH_MAX], compat[64], serial[32];
	static const char drive[] = "/needle-drive";
	struct pen_info info;
	ssize_t n;
	int fd;

	snprintf(dev, sizeof(dev), "/sys/bus/platform/devices/pen-vcm.%d", TB_ID);
	snprintf(path, sizeof(path), "%s/of_node", dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (!sim_from_device_tree()) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(ENOENT, errno);
		snprintf(path, sizeof(path), "%s/software_node", dev);
		EXPECT_EQ(0, access(path, F_OK));
		EXPECT_EQ(0, sim_state(TB_ID, "device_tree"));
		return;
	}
	ASSERT_LT((ssize_t)sizeof(drive), n);
	link[n] = '\0';
	EXPECT_NE(NULL, strstr(link, "/devicetree/base/pen-testbench/bench@"))
		TH_LOG("of_node -> %s", link);
	EXPECT_STREQ(drive, link + n - strlen(drive));
	snprintf(path, sizeof(path), "%s/of_node/compatible", dev);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	memset(compat, 0, sizeof(compat));
	EXPECT_LT(0, read(fd, compat, sizeof(compat) - 1));
	close(fd);
	EXPECT_STREQ("pen,vcm-needle-drive", compat);
	snprintf(path, sizeof(path), "%s/software_node", dev);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(1, sim_state(TB_ID, "device_tree"));
	/* The bench's device is the bench node, the providers' parent. */
	snprintf(path, sizeof(path), "/sys/bus/pen_testbench/devices/pen_tb%d/of_node",
		 TB_ID);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = '\0';
	EXPECT_NE(NULL, strstr(link, "/devicetree/base/pen-testbench/bench@"))
		TH_LOG("of_node -> %s", link);

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_GET_INFO, &info));
	EXPECT_STREQ(sim_serial(TB_ID, serial, sizeof(serial)), info.serial);
	EXPECT_EQ(0, strncmp("TB-DT-", info.serial, 6));

	/*
	 * The benches are a pool fixed at boot: a configuration none has is
	 * refused and makes nothing; the one bench without buttons is busy
	 * while taken, and free again once its instance is deleted.
	 */
	sim_delete(TB_ID + 1);
	sim_delete(TB_ID + 2);
	EXPECT_EQ(-EOPNOTSUPP, sim_create(TB_ID + 1, "depth_max_um=1234"));
	EXPECT_FALSE(bench_exists(TB_ID + 1));
	ASSERT_EQ(0, sim_create(TB_ID + 1, "buttons=0"));
	EXPECT_EQ(-EBUSY, sim_create(TB_ID + 2, "buttons=0 record_size=16"));
	EXPECT_FALSE(bench_exists(TB_ID + 2));
	EXPECT_EQ(0, sim_delete(TB_ID + 1));
	EXPECT_EQ(0, sim_create(TB_ID + 2, "buttons=0 record_size=16"));
	EXPECT_LE(0, sim_pen_index(TB_ID + 2));
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

TEST_F(bench, probe_leaves_the_drive_off)
{
	expect_all_off(_metadata);
	EXPECT_EQ(0, sim_state(TB_ID, "drive_enables"));
	/* The enable line was set low, not left floating. */
	EXPECT_LE(1, sim_state(TB_ID, "enable_low_sets"));
	EXPECT_EQ(0, sim_state(TB_ID, "strokes"));
	EXPECT_EQ(0, sim_state(TB_ID, "needle_um"));
}

TEST_F(bench, start_powers_up_in_order_and_stop_cuts_the_enable_first)
{
	long long reg_on, en_on, pwm_on, en_off, pwm_off, reg_off;
	uint64_t before_stop, after_stop;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	EXPECT_EQ(1, sim_state(TB_ID, "regulator"));
	EXPECT_EQ(1, sim_state(TB_ID, "drive"));
	EXPECT_EQ(1, sim_state(TB_ID, "pwm_enabled"));
	EXPECT_EQ(PWM_PERIOD_NS, sim_state(TB_ID, "pwm_period_ns"));
	EXPECT_LT(0, sim_state(TB_ID, "strokes"));
	/* Supply, then enable, then PWM. */
	reg_on = sim_state(TB_ID, "regulator_on_ns");
	en_on = sim_state(TB_ID, "drive_on_ns");
	pwm_on = sim_state(TB_ID, "pwm_on_ns");
	EXPECT_LT(0, reg_on);
	EXPECT_LE(reg_on, en_on);
	EXPECT_LE(en_on, pwm_on);

	before_stop = now_ns();
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	after_stop = now_ns();
	expect_all_off(_metadata);
	/* The enable first: it is the hard cut. */
	en_off = sim_state(TB_ID, "drive_off_ns");
	pwm_off = sim_state(TB_ID, "pwm_off_ns");
	reg_off = sim_state(TB_ID, "regulator_off_ns");
	EXPECT_LE((long long)before_stop, en_off);
	EXPECT_LE(en_off, pwm_off);
	EXPECT_LE(en_off, reg_off);
	EXPECT_GE((long long)after_stop, reg_off);
	EXPECT_EQ(1, sim_state(TB_ID, "drive_disables"));
	report_drive_off("STOP (enable low, from the ioctl)", before_stop, en_off,
			 PERIOD_NS);

	/* A stop when stopped is harmless, and the next run powers up again. */
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	expect_all_off(_metadata);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	EXPECT_EQ(1, sim_state(TB_ID, "drive"));
	EXPECT_EQ(2, sim_state(TB_ID, "drive_enables"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	expect_all_off(_metadata);
}

TEST_F(bench, reached_depths_come_from_the_model_through_the_adc)
{
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	long n, i, reached = 0;

	st = pen_run_for(_metadata, self->fd, 100000000);
	EXPECT_EQ(600, st.last_reached_um);

	n = sim_strokes(TB_ID, &rec);
	ASSERT_LT(5, n);
	EXPECT_EQ((long long)st.run_strokes, n);
	for (i = 0; i < n; i++) {
		/* duty = 600 * 50000 / 3000 ns, read back as 600 um */
		EXPECT_EQ(600, rec[i].cmd_um);
		EXPECT_EQ(i, (long)rec[i].seq);
		if (!rec[i].reach_ns)
			continue;
		reached++;
		EXPECT_EQ(600, rec[i].reached_um);
		EXPECT_EQ(LAG_NS, rec[i].reach_ns - rec[i].cmd_ns);
		/* The next stroke only after this one was measured. */
		if (i + 1 < n)
			EXPECT_LE(rec[i].cmd_ns + PERIOD_NS / 2, rec[i + 1].cmd_ns);
	}
	/* All but one cut short by the stop, at most. */
	EXPECT_LE(n - 1, reached);
	free(rec);

	/* A needle that falls short by a little is measured short. */
	ASSERT_EQ(0, sim_inject(TB_ID, "short 100"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(50000000);
	EXPECT_EQ(500, pen_status_of(self->fd).last_reached_um);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

/*
 * A stroke so late that the next is due before it was measured (its
 * sample comes reach time after it): the backend lets it reach its depth,
 * measures and retracts it, and only then drives the next. Never a new
 * depth while the needle is still out; every stroke measured.
 */
TEST_F(bench, a_stroke_not_yet_measured_is_measured_before_the_next)
{
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	long n, i;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* 9.8 ms of the 10 ms period: the next boundary before the sample. */
	ASSERT_EQ(0, sim_inject(TB_ID, "late 9800"));
	sleep_ns(50000000);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	EXPECT_EQ(0, st.run_missed_strokes);

	n = sim_strokes(TB_ID, &rec);
	ASSERT_LT(6, n);
	EXPECT_EQ((long long)st.run_strokes, n);
	for (i = 0; i + 1 < n; i++) {
		EXPECT_EQ(i, (long)rec[i].seq);
		EXPECT_EQ(600, rec[i].reached_um) TH_LOG("stroke %ld", i);
		/* Reached, then measured, then the next one. */
		EXPECT_NE(0, rec[i].reach_ns);
		EXPECT_LE(rec[i].reach_ns, rec[i + 1].cmd_ns) TH_LOG("stroke %ld", i);
	}
	free(rec);
	EXPECT_EQ(0, sim_state(TB_ID, "sequence_errors"));
}

/*
 * From the hard-irq timer the stroke due while the one before is still
 * out is left to the sampling thread, which makes it once that one is
 * measured and retracted. If its PWM apply fails there, the thread trips
 * the drive and the core hears of it at its next stroke: the needle
 * stops as for any stroke that fails, nothing driven. (The stroke thread
 * makes such a stroke itself: the test above.)
 */
TEST_F(bench, a_stroke_left_to_the_sampling_thread_that_fails_stops_the_needle)
{
	struct sim_stroke *rec = NULL;
	struct pen_status st;
	long n, i;

	if (pen_on_stroke_thread(TB_ID))
		SKIP(return, "pen_vcm makes every stroke on the stroke thread here");
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* Armed first: no stroke from the hard-irq timer takes it. */
	ASSERT_EQ(0, sim_inject(TB_ID, "task_stroke_fail 1"));
	sleep_ns(30000000);
	ASSERT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	ASSERT_EQ(0, sim_inject(TB_ID, "late 9800"));
	st = pen_wait_stopped(self->fd, 2000);
	EXPECT_EQ(PEN_STOP_BACKEND, st.stop_reason);
	EXPECT_EQ(PEN_FAULT_NONE, st.fault);
	expect_all_off(_metadata);
	/* That apply alone failed; the stop's went through. */
	EXPECT_EQ(1, sim_state(TB_ID, "pwm_apply_failures"));

	/* The last stroke made is the late one: the next never was. */
	n = sim_strokes(TB_ID, &rec);
	ASSERT_LT(6, n);
	EXPECT_LE(rec[n - 2].cmd_ns + PERIOD_NS + 9000000, rec[n - 1].cmd_ns);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(600, rec[i].reached_um) TH_LOG("stroke %ld", i);
		EXPECT_NE(0, rec[i].reach_ns) TH_LOG("stroke %ld", i);
	}
	free(rec);
}

/*
 * pen_vcm's sampling thread for bench TB_ID, "pen_vcm/pen-vcm.ID" (cut
 * to 15 characters where the kernel keeps no more of a kernel thread's
 * name): its pid, or -1 unless exactly one thread has that name.
 */
static pid_t sampling_thread(void)
{
	char want[32], comm[64], path[300];
	struct dirent *d;
	pid_t pid = -1;
	int found = 0;
	size_t len;
	DIR *proc;
	FILE *f;

	snprintf(want, sizeof(want), "pen_vcm/pen-vcm.%d", TB_ID);
	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			len = strlen(comm);
			if (!strcmp(comm, want) ||
			    (len == 15 && !strncmp(comm, want, len))) {
				pid = atoi(d->d_name);
				found++;
			}
		}
		fclose(f);
	}
	closedir(proc);
	return found == 1 ? pid : -1;
}

/* A real-time task that holds CPU 0 from the sampling thread. */
struct hog {
	pthread_t thread;
	uint64_t spin_ns;	/* how long it holds the CPU */
	const char *inject;	/* what it injects halfway through */
	int fd;			/* else the pen it stops and starts then */
	int ret;		/* what that returned: 0 or -errno */
};

static void spin_for(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		;
}

static void *hog_fn(void *arg)
{
	struct hog *h = arg;

	spin_for(h->spin_ns / 2);
	if (h->inject)
		h->ret = sim_inject(TB_ID, h->inject);
	else if (ioctl(h->fd, PEN_IOC_STOP) || ioctl(h->fd, PEN_IOC_START))
		h->ret = -errno;
	spin_for(h->spin_ns / 2);
	return NULL;
}

/* @h on CPU 0 at SCHED_FIFO 1, below the kernel's real-time threads. */
static int hog_start(struct hog *h)
{
	struct sched_param fifo1 = { .sched_priority = 1 };
	pthread_attr_t attr;
	cpu_set_t cpu0;
	int ret;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	pthread_attr_init(&attr);
	ret = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	if (!ret)
		ret = pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	if (!ret)
		ret = pthread_attr_setschedparam(&attr, &fifo1);
	if (!ret)
		ret = pthread_attr_setaffinity_np(&attr, sizeof(cpu0), &cpu0);
	if (!ret)
		ret = pthread_create(&h->thread, &attr, hog_fn, h);
	pthread_attr_destroy(&attr);
	return -ret;
}

/* The sampling thread and its scheduling, to give back after a hog. */
struct sampler {
	pid_t pid;
	int policy;
	struct sched_param param;
	cpu_set_t cpus;
};

static void sampler_save(struct __test_metadata *_metadata,
			 struct sampler *sp)
{
	sp->pid = sampling_thread();
	ASSERT_LT(0, sp->pid);
	sp->policy = sched_getscheduler(sp->pid);
	ASSERT_EQ(SCHED_FIFO, sp->policy);
	ASSERT_EQ(0, sched_getparam(sp->pid, &sp->param));
	ASSERT_EQ(0, sched_getaffinity(sp->pid, sizeof(sp->cpus), &sp->cpus));
}

/*
 * The sampling thread below @h and on its CPU, then @h run to its end:
 * so long without a sample. 0, or -errno if it could not be done.
 */
static int sampler_starve(const struct sampler *sp, struct hog *h)
{
	struct sched_param normal = { 0 };
	cpu_set_t cpu0;
	int ret;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(sp->pid, sizeof(cpu0), &cpu0) ||
	    sched_setscheduler(sp->pid, SCHED_OTHER, &normal))
		return -errno;
	ret = hog_start(h);
	if (!ret)
		pthread_join(h->thread, NULL);
	return ret;
}

static void sampler_restore(const struct sampler *sp)
{
	sched_setscheduler(sp->pid, sp->policy, &sp->param);
	sched_setaffinity(sp->pid, sizeof(sp->cpus), &sp->cpus);
}

/*
 * The sampling thread starved (a real-time task above it on its CPU)
 * while the needle runs: each stroke finds the one before still out,
 * long past its reach time. On the stroke thread pen_vcm measures and
 * retracts it then, and only then drives the next, so every stroke is
 * measured, late; a fault that measurement finds (an overcurrent) cuts
 * the drive as the sampling thread's would. From the hard-irq timer it
 * cannot wait: the sampling thread is left the stroke, the strokes due
 * after it are not made but counted missed, and three of them in a row
 * stop the needle with a timing fault, unmeasured strokes being strokes
 * whose current nobody checks. Either way the needle is never driven
 * again before it was measured.
 */
TEST_F(bench, a_starved_sampling_thread_still_measures_every_stroke)
{
	struct hog h = { .spin_ns = 100000000, .inject = "overcurrent 1500" };
	struct pen_events evs = { 0 };
	struct sim_stroke *rec = NULL;
	size_t i, late = 0, n_strokes = 0;
	struct pen_status st;
	struct sampler sp;
	long n, j;
	int ret;

	sampler_save(_metadata, &sp);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	evs.n = 0;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* 100 ms without a sample. */
	ret = sampler_starve(&sp, &h);
	st = pen_wait_stopped(self->fd, 2000);
	sampler_restore(&sp);
	ASSERT_EQ(0, ret) TH_LOG("cannot starve the sampling thread: %s",
				 strerror(-ret));
	ASSERT_EQ(0, h.ret);

	if (pen_on_stroke_thread(TB_ID)) {
		expect_fault_stop(_metadata, &st, PEN_FAULT_OVERCURRENT);
	} else {
		expect_fault_stop(_metadata, &st, PEN_FAULT_TIMING);
		EXPECT_LE(3, st.run_missed_strokes);
	}
	expect_all_off(_metadata);
	/* Strokes the sampling thread would have measured 500 us after. */
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	for (i = 0; i < evs.n; i++) {
		const struct pen_event *ev = &evs.ev[i];

		if (ev->type != PEN_EVENT_STROKE || !ev->stroke.reached_ns)
			continue;
		n_strokes++;
		EXPECT_EQ(600, ev->stroke.reached_um)
			TH_LOG("stroke %llu", (unsigned long long)ev->seq);
		late += ev->stroke.reached_ns - ev->timestamp_ns >=
			PERIOD_NS / 2;
	}
	if (pen_on_stroke_thread(TB_ID))
		EXPECT_LE(3, late) TH_LOG("%zu of %zu strokes measured late",
					  late, n_strokes);
	/* The needle was never driven again before it was measured. */
	n = sim_strokes(TB_ID, &rec);
	/* 3 before the hog; on the thread, those it measured late too. */
	ASSERT_LT(pen_on_stroke_thread(TB_ID) ? 6 : 2, n);
	for (j = 0; j + 1 < n; j++) {
		EXPECT_NE(0, rec[j].reach_ns) TH_LOG("stroke %ld", j);
		EXPECT_LE(rec[j].reach_ns, rec[j + 1].cmd_ns)
			TH_LOG("stroke %ld", j);
	}
	free(rec);
	pen_events_free(&evs);
}

/*
 * A START right after a STOP, before the sampling thread runs. From the
 * hard-irq timer the stop cuts the enable line and the PWM at once and
 * leaves the supply to that thread; the start finds the supply on and
 * keeps it, so the thread, when it runs, must leave it on for the
 * running needle. On the stroke thread the stop switches it off itself
 * and the start on again.
 */
TEST_F(bench, a_start_right_after_a_stop_keeps_the_supply_it_needs)
{
	struct hog h = { .fd = self->fd };
	struct sim_stroke *rec = NULL;
	long long off_ns, disables;
	struct pen_status st;
	struct sampler sp;
	long n;
	int ret;

	sampler_save(_metadata, &sp);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	off_ns = sim_state(TB_ID, "regulator_off_ns");
	disables = sim_state(TB_ID, "drive_disables");
	/* The STOP and the START, with the sampling thread held off. */
	ret = sampler_starve(&sp, &h);
	sampler_restore(&sp);
	ASSERT_EQ(0, ret) TH_LOG("cannot starve the sampling thread: %s",
				 strerror(-ret));
	ASSERT_EQ(0, h.ret) TH_LOG("STOP then START: %s", strerror(-h.ret));
	/* Long enough for the thread to have run, and sampled strokes. */
	sleep_ns(50000000);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_RUNNING, st.state);
	EXPECT_EQ(disables + 1, sim_state(TB_ID, "drive_disables"));
	EXPECT_EQ(1, sim_state(TB_ID, "drive"));
	EXPECT_EQ(1, sim_state(TB_ID, "regulator"));
	if (pen_on_stroke_thread(TB_ID)) {
		EXPECT_LT(off_ns, sim_state(TB_ID, "regulator_off_ns"));
	} else {
		EXPECT_EQ(off_ns, sim_state(TB_ID, "regulator_off_ns"));
	}
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	ASSERT_LT(3, st.run_strokes);
	/* Every stroke of the run after the START measured at its depth. */
	n = sim_strokes(TB_ID, &rec);
	ASSERT_LT(3, n);
	EXPECT_EQ(600, rec[n - 2].reached_um);
	EXPECT_NE(0, rec[n - 2].reach_ns);
	free(rec);
	expect_all_off(_metadata);
}

TEST_F(bench, a_position_sensor_stuck_at_rest_is_a_stall)
{
	struct pen_status st;

	st = run_into_fault(_metadata, self->fd, "stuck 0", PEN_FAULT_STALL,
			    600);
	EXPECT_EQ(0, st.last_reached_um);
	/* The needle itself moved: the record has what it did. */
	EXPECT_LT(0, sim_state(TB_ID, "strokes"));
}

TEST_F(bench, a_position_sensor_stuck_deep_is_over_depth)
{
	run_into_fault(_metadata, self->fd, "stuck 2500", PEN_FAULT_OVER_DEPTH,
		       1900);
	EXPECT_LE(sim_state(TB_ID, "inject_ns"),
		  sim_state(TB_ID, "drive_off_ns"));
}

TEST_F(bench, overcurrent_is_measured_and_cuts_the_drive)
{
	long long cause, off;

	/* 600 um is 20 % duty, 200 mA; 1500 mA more is over the 1.5 A limit. */
	run_into_fault(_metadata, self->fd, "overcurrent 1500",
		       PEN_FAULT_OVERCURRENT, 1700);
	cause = sim_state(TB_ID, "inject_ns");
	off = sim_state(TB_ID, "drive_off_ns");
	EXPECT_LE(cause, off);
	/* Measured at the next stroke's sample. */
	EXPECT_GE((long long)(PERIOD_NS + LAG_NS + 2000000), off - cause);
	report_drive_off("overcurrent (measured)", cause, off, PERIOD_NS);
	/* Latched: no start until cleared. */
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, sim_inject(TB_ID, "reset"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_CLEAR_FAULT));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

TEST_F(bench, overtemperature_is_measured_and_cuts_the_drive)
{
	struct pen_status st;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* Within the 60 degC limit: nothing. */
	ASSERT_EQ(0, sim_inject(TB_ID, "overtemp 59000"));
	sleep_ns(30000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	ASSERT_EQ(0, sim_inject(TB_ID, "overtemp 65000"));
	st = pen_wait_stopped(self->fd, 2000);
	expect_fault_stop(_metadata, &st, PEN_FAULT_OVERTEMP);
	EXPECT_EQ(65000, st.fault_value);
	expect_all_off(_metadata);
}

TEST_F(bench, pulling_the_cartridge_while_running_cuts_the_drive)
{
	struct pen_status st;
	long long cause, off;

	st = pen_run_then_inject(_metadata, self->fd, TB_ID, 30000000,
				 "cartridge_remove", 1000);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_CARTRIDGE_REMOVED, st.stop_reason);
	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
	expect_all_off(_metadata);
	EXPECT_EQ(0, sim_state(TB_ID, "cartridge"));
	cause = sim_state(TB_ID, "inject_ns");
	off = sim_state(TB_ID, "drive_off_ns");
	EXPECT_LE(cause, off);
	report_drive_off("cartridge pulled (detect line)", cause, off, PERIOD_NS);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOMEDIUM, errno);
}

TEST_F(bench, the_eeprom_identifies_the_cartridge)
{
	struct pen_status st = pen_status_of(self->fd);

	/* The one the bench put in at creation. */
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ((uint64_t)sim_state(TB_ID, "cartridge_id"), st.cartridge_id);
	EXPECT_EQ(1000000, st.cartridge_budget);

	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_insert 123456789012 777"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(123456789012ULL, st.cartridge_id);
	EXPECT_EQ(777, st.cartridge_budget);
	EXPECT_EQ(0, st.cartridge_strokes);
	st = pen_run_for(_metadata, self->fd, 50000000);
	EXPECT_EQ(st.run_strokes, st.cartridge_strokes);

	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_remove"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
	EXPECT_EQ(0, st.cartridge_id);
}

TEST_F(bench, a_bad_eeprom_is_no_cartridge)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_remove"));
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_bad 99 1000"));
	EXPECT_EQ(1, sim_state(TB_ID, "cartridge"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
	EXPECT_EQ(0, st.cartridge_id);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOMEDIUM, errno);
	EXPECT_EQ(0, sim_state(TB_ID, "drive_enables"));
	expect_all_off(_metadata);

	/* A good one after it works. */
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_insert 100 1000"));
	EXPECT_EQ(PEN_CARTRIDGE_READY, pen_status_of(self->fd).cartridge_state);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
}

/*
 * The detect switch bounces with the cartridge in (the pen knocked):
 * after its debounce pen_vcm reads the same cartridge, which is nothing
 * new. Reported again, the core would refuse it as used; the needle runs
 * on, its strokes counted against the same cartridge.
 */
TEST_F(bench, a_detect_switch_that_bounces_keeps_the_cartridge)
{
	struct pen_status before = pen_status_of(self->fd), st;
	struct pen_events evs = { 0 };

	ASSERT_EQ(PEN_CARTRIDGE_READY, before.cartridge_state);
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_bounce"));
	sleep_ns(30000000);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_RUNNING, st.state);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(before.cartridge_id, st.cartridge_id);
	EXPECT_EQ(st.run_strokes, st.cartridge_strokes);
	evs.n = 0;
	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	EXPECT_EQ(0, pen_events_count(&evs, PEN_EVENT_CARTRIDGE));
	pen_events_free(&evs);
}

/*
 * One cartridge pulled and another pushed in within the debounce:
 * pen_vcm reads only the new one, which the core takes as the old one
 * gone (the running needle stops) and the new one in, ready.
 */
TEST_F(bench, a_cartridge_swapped_within_the_debounce_is_the_new_one)
{
	struct pen_status st;

	st = pen_run_then_inject(_metadata, self->fd, TB_ID, 30000000,
				 "cartridge_swap 4246 300", 1000);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_CARTRIDGE_REMOVED, st.stop_reason);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(4246, st.cartridge_id);
	EXPECT_EQ(300, st.cartridge_budget);
	EXPECT_EQ(0, st.cartridge_strokes);
	expect_all_off(_metadata);
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));

	/* With none in, there is nothing to swap: refused, nothing changes. */
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_remove"));
	EXPECT_EQ(-EINVAL, sim_inject(TB_ID, "cartridge_swap 4247 300"));
	EXPECT_EQ(0, sim_state(TB_ID, "cartridge"));
	EXPECT_EQ(PEN_CARTRIDGE_NONE, pen_status_of(self->fd).cartridge_state);
}

TEST_F(bench, unbinding_the_driver_while_running_cuts_the_drive)
{
	char name[32];
	uint64_t before, after;
	long long off;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	ASSERT_EQ(1, sim_state(TB_ID, "drive"));
	snprintf(name, sizeof(name), "pen-vcm.%d", TB_ID);
	before = now_ns();
	ASSERT_EQ(0, sim_write("/sys/bus/platform/drivers/pen-vcm/unbind", name));
	after = now_ns();
	expect_all_off(_metadata);
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID));
	off = sim_state(TB_ID, "drive_off_ns");
	EXPECT_LE((long long)before, off);
	EXPECT_GE((long long)after, off);
	report_drive_off("unbind", before, off, PERIOD_NS);
	/* The open file outlives the pen, which is gone. */
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENODEV, errno);

	/* Bound again, it is a new pen, off. */
	ASSERT_EQ(0, sim_write("/sys/bus/platform/drivers/pen-vcm/bind", name));
	EXPECT_LE(0, sim_pen_index(TB_ID));
	expect_all_off(_metadata);
}

/*
 * The start is refused with the hardware's error and leaves everything
 * off; the failure is the call's, not latched: the next start runs.
 */
static void expect_start_refused(struct __test_metadata *_metadata, int fd,
				 const char *cmd)
{
	ASSERT_EQ(0, sim_inject(TB_ID, cmd));
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(fd).state);
	expect_all_off(_metadata);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(30000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(fd).state);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	expect_all_off(_metadata);
}

TEST_F(bench, a_motor_supply_that_will_not_power_up_refuses_the_start)
{
	expect_start_refused(_metadata, self->fd, "supply_fail 1");
}

/* The supply and the enable line came up: they go down again. */
TEST_F(bench, a_pwm_that_will_not_start_refuses_the_start)
{
	expect_start_refused(_metadata, self->fd, "pwm_fail 1");
	EXPECT_EQ(0, sim_state(TB_ID, "sequence_errors"));
}

/*
 * The running needle's hardware fails: the backend refuses the next
 * stroke, which stops the needle (PEN_STOP_BACKEND, not a latched
 * fault: a start after it runs).
 */
static void expect_backend_stop(struct __test_metadata *_metadata, int fd,
				const char *cmd)
{
	struct pen_status st;

	st = pen_run_then_inject(_metadata, fd, TB_ID, 30000000, cmd, 2000);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_BACKEND, st.stop_reason);
	EXPECT_EQ(PEN_FAULT_NONE, st.fault);
	/* No force on the needle, whatever the PWM still says. */
	EXPECT_EQ(0, sim_state(TB_ID, "drive"));
	EXPECT_EQ(0, sim_state(TB_ID, "regulator"));
	EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
	ASSERT_EQ(0, sim_inject(TB_ID, "reset"));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(30000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(fd).state);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	EXPECT_EQ(0, sim_state(TB_ID, "drive"));
	EXPECT_EQ(0, sim_state(TB_ID, "regulator"));
	EXPECT_EQ(0, sim_state(TB_ID, "pwm_enabled"));
}

/*
 * A supply that will not switch off: the stop still drops the enable and
 * stops the PWM, so the coil carries no current; the next stop switches
 * the supply off.
 */
TEST_F(bench, a_motor_supply_that_will_not_switch_off_leaves_no_force)
{
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	ASSERT_EQ(0, sim_inject(TB_ID, "supply_stuck 1"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(self->fd).state);
	EXPECT_EQ(1, sim_state(TB_ID, "regulator"));
	EXPECT_EQ(0, sim_state(TB_ID, "drive"));
	EXPECT_EQ(0, sim_state(TB_ID, "pwm_enabled"));
	EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(self->fd).state);
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	expect_all_off(_metadata);
}

/*
 * Blind, the backend cannot keep the limits: it cuts at once, whichever
 * read fails (the current's, which comes first, or the position's after
 * it).
 */
TEST_F(bench, sensors_that_cannot_be_read_stop_the_needle)
{
	expect_backend_stop(_metadata, self->fd, "adc_fail 1");
	expect_backend_stop(_metadata, self->fd, "position_fail 1");
	EXPECT_EQ(0, sim_state(TB_ID, "sequence_errors"));
}

/*
 * A stroke's (or a retraction's) PWM apply fails, and so does the stop's:
 * the PWM is left on, but the enable line and then the supply are cut
 * (the bench counts the supply cut under a PWM still on as a sequencing
 * error: here it is the only way left to take the force away).
 */
TEST_F(bench, a_pwm_that_fails_while_running_stops_the_needle_without_force)
{
	expect_backend_stop(_metadata, self->fd, "pwm_fail 3");
}

/*
 * Boards without a part (docs/testbench.md's temperature, eeprom,
 * identity and current_limit keys): bench TB_ID + 2 made with @opts, or
 * the test skipped where the benches are a device tree's, whole boards.
 */
static int board_without(struct __test_metadata *_metadata, const char *opts)
{
	int fd;

	if (!bench_loaded())
		SKIP(return -1, "no pen_testbench (a kernel without IIO?)");
	if (sim_from_device_tree())
		SKIP(return -1, "the device tree's benches are whole boards");
	sim_delete(TB_ID + 2);
	if (sim_create(TB_ID + 2, opts))
		return -1;
	fd = sim_open(TB_ID + 2, O_RDWR);
	if (fd >= 0 && pen_params_set(fd, PEN_PARAM_ALL, 600, 100000)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Bench @id with the controllers @opts asks for ran 100 ms at 300 Hz:
 * every stroke measured, the pen's stroke thread woken for each or never
 * (the hard-irq path), and everything off after.
 */
static void expect_strokes_on_path(struct __test_metadata *_metadata,
				   unsigned int id, const char *opts,
				   int threaded)
{
	struct sim_stroke *rec = NULL;
	struct pen_wakeups w;
	struct pen_status st;
	long n, i;
	int fd;

	sim_delete(id);
	ASSERT_EQ(0, sim_create(id, opts)) TH_LOG("%s", opts);
	fd = sim_open(id, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 600, 300000));
	st = pen_run_for(_metadata, fd, 100000000);
	/* Missed strokes are the benchmark's to count, not this test's. */
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason) TH_LOG("%s", opts);
	ASSERT_LT(10, st.run_strokes);
	ASSERT_EQ(0, pen_wakeups_of(sim_pen_index(id), &w));
	if (threaded) {
		EXPECT_LE((long long)st.run_strokes, w.wakeups) TH_LOG("%s", opts);
	} else {
		EXPECT_EQ(0, w.wakeups) TH_LOG("%s", opts);
	}
	n = sim_strokes(id, &rec);
	EXPECT_EQ((long long)st.run_strokes, n) TH_LOG("%s", opts);
	for (i = 0; i + 1 < n; i++) {
		EXPECT_EQ(600, rec[i].reached_um) TH_LOG("%s: stroke %ld", opts, i);
		EXPECT_LE(rec[i].reach_ns, rec[i + 1].cmd_ns)
			TH_LOG("%s: stroke %ld", opts, i);
	}
	free(rec);
	wait_supply_off(id);
	EXPECT_EQ(0, sim_state(id, "drive"));
	EXPECT_EQ(0, sim_state(id, "pwm_enabled"));
	EXPECT_EQ(0, sim_state(id, "regulator"));
	EXPECT_EQ(0, sim_state(id, "sequence_errors"));
	close(fd);
	EXPECT_EQ(0, sim_delete(id));
}

/*
 * pen_vcm strokes from the core's hard-irq timer where its PWM never
 * sleeps (pwm_chip.atomic, 6.8 and later) and its enable line's GPIO
 * does not either, except on PREEMPT_RT; from the stroke thread where
 * either may. Before 6.8 no PWM says it never sleeps: the bench cannot
 * offer one.
 */
TEST(pen_vcm_strokes_from_the_hard_irq_timer_where_its_outputs_never_sleep)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(2, sscanf(u.release, "%d.%d", &major, &minor));
	expect_strokes_on_path(_metadata, TB_ID + 2, "pwm_atomic=0 gpio_can_sleep=1", 1);
	expect_strokes_on_path(_metadata, TB_ID + 2, "pwm_atomic=0 gpio_can_sleep=0", 1);
	if (major < 6 || (major == 6 && minor < 8)) {
		sim_delete(TB_ID + 2);
		EXPECT_EQ(-EOPNOTSUPP, sim_create(TB_ID + 2, "pwm_atomic=1"));
		EXPECT_EQ(-ENOENT, sim_delete(TB_ID + 2));
		return;
	}
	expect_strokes_on_path(_metadata, TB_ID + 2, "pwm_atomic=1 gpio_can_sleep=1", 1);
	expect_strokes_on_path(_metadata, TB_ID + 2, "pwm_atomic=1 gpio_can_sleep=0",
			       pen_kernel_is_rt());
	sim_delete(TB_ID + 2);
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 2, "pwm_atomic=2"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 2, "gpio_can_sleep=2"));
}

/* The temperature sensor is optional: without it, no limit to keep. */
TEST(a_board_without_a_temperature_sensor_runs_without_its_limit)
{
	int fd = board_without(_metadata, "temperature=0");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	sleep_ns(30000000);
	/* A sensor the pen does not have reads hot: nothing happens. */
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "overtemp 90000"));
	sleep_ns(50000000);
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(fd).state);
	/* The current is still measured: its limit still stops it. */
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "overcurrent 1500"));
	EXPECT_EQ(PEN_FAULT_OVERCURRENT, pen_wait_stopped(fd, 2000).fault);
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

/*
 * Pen @fd knows no cartridge, though one is in, so START is refused and
 * the motor supply stays off.
 */
static void expect_no_cartridge_runs(struct __test_metadata *_metadata,
				     int fd)
{
	EXPECT_EQ(PEN_CARTRIDGE_NONE, pen_status_of(fd).cartridge_state);
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(ENOMEDIUM, errno);
	EXPECT_EQ(0, sim_state(TB_ID + 2, "regulator"));
}

/* Without the cartridge's EEPROM no cartridge can be known: none runs. */
TEST(a_board_without_the_cartridge_eeprom_accepts_no_cartridge)
{
	int fd = board_without(_metadata, "eeprom=0");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sim_state(TB_ID + 2, "cartridge"));
	expect_no_cartridge_runs(_metadata, fd);
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

/* A board that does not name the pen: the driver's model, the device's name. */
TEST(a_board_that_does_not_name_the_pen_gets_the_drivers_names)
{
	char buf[64];
	int fd = board_without(_metadata, "identity=0");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, sim_pen_attr_read(TB_ID + 2, "model", buf, sizeof(buf)));
	EXPECT_STREQ("pen-vcm\n", buf);
	ASSERT_EQ(0, sim_pen_attr_read(TB_ID + 2, "serial", buf, sizeof(buf)));
	EXPECT_STREQ("pen-vcm.1302\n", buf);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

/*
 * A board that gives only the properties pen_vcm requires: the rest are
 * its binding's defaults (docs/bindings/pen,vcm-needle-drive.yaml), and
 * the pen runs with them: 0 to the travel in 10 um steps, 25 to 300 Hz,
 * 12 needles, measured 500 us after each stroke, cut above 60 degrees C.
 */
TEST(a_board_without_its_optional_properties_gets_the_defaults)
{
	struct pen_info info;
	struct pen_status st;
	int fd;

	/* The bench can model that pen only with its keys at those values. */
	if (bench_loaded() && !sim_from_device_tree())
		EXPECT_EQ(-EINVAL, sim_create(TB_ID + 2,
					      "optional_props=0 lag_us=300"));
	fd = board_without(_metadata, "optional_props=0 depth_max_um=2000");
	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(12, info.needle_count);
	EXPECT_EQ(0, info.depth_min_um);
	EXPECT_EQ(2000, info.depth_max_um);
	EXPECT_EQ(10, info.depth_step_um);
	EXPECT_EQ(25000, info.rate_min_mhz);
	EXPECT_EQ(300000, info.rate_max_mhz);

	st = pen_run_for(_metadata, fd, 50000000);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	EXPECT_LT(0, st.run_strokes);
	EXPECT_EQ(600, st.last_reached_um);
	/* 60000 m-degC is the limit: one more is over it. */
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "overtemp 60000"));
	st = pen_run_for(_metadata, fd, 30000000);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "overtemp 60001"));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	st = pen_wait_stopped(fd, 2000);
	EXPECT_EQ(PEN_FAULT_OVERTEMP, st.fault);
	EXPECT_EQ(60001, st.fault_value);
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

/* A required property missing: pen_vcm refuses the board, no pen. */
TEST(a_board_without_a_required_property_gets_no_pen)
{
	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	if (sim_from_device_tree())
		SKIP(return, "the device tree's benches are whole boards");
	sim_delete(TB_ID + 2);
	EXPECT_EQ(-ENODEV, sim_create(TB_ID + 2, "current_limit=0"));
	EXPECT_FALSE(bench_exists(TB_ID + 2));
}

/*
 * Boards pen_vcm refuses (docs/testbench.md's keys for a part left out
 * or wrong): bench TB_ID + 3 is made, its pen-vcm device is there but
 * pen_vcm does not bind it, so no pen and no /dev/pen node; bound by
 * hand, the bind fails with what the probe returned (the provider's
 * error for a part not found, EINVAL for a property or a wiring pen_vcm
 * cannot use, ENXIO for a line without an interrupt), and leaves the
 * drive off. Skipped where the benches are a device tree's, whole boards.
 */
FIXTURE(refused_board) {
	char dev[32];
};

FIXTURE_VARIANT(refused_board) {
	const char *opts;
	int err;
};

FIXTURE_VARIANT_ADD(refused_board, no_enable_line) {
	.opts = "enable_line=0", .err = ENOENT,
};

/* The regulator core would give a board without one a dummy supply. */
FIXTURE_VARIANT_ADD(refused_board, no_motor_supply) {
	.opts = "motor_supply=0", .err = ENODEV,
};

FIXTURE_VARIANT_ADD(refused_board, no_drive_pwm) {
	.opts = "pwm=0", .err = ENODEV,
};

FIXTURE_VARIANT_ADD(refused_board, a_pwm_without_a_period) {
	.opts = "pwm_period_ns=0", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, no_position_channel) {
	.opts = "position_channel=0", .err = ENODEV,
};

FIXTURE_VARIANT_ADD(refused_board, no_current_channel) {
	.opts = "current_channel=0", .err = ENODEV,
};

/* The temperature sensor is optional, but one wired wrong is refused. */
FIXTURE_VARIANT_ADD(refused_board, a_temperature_channel_the_adc_has_not) {
	.opts = "temperature_miswired=1", .err = EINVAL,
};

/* The footswitch on the line cartridge-detect holds. */
FIXTURE_VARIANT_ADD(refused_board, a_footswitch_on_a_line_in_use) {
	.opts = "footswitch=1 footswitch_miswired=1", .err = EBUSY,
};

FIXTURE_VARIANT_ADD(refused_board, no_cartridge_detect_line) {
	.opts = "cartridge_detect=0", .err = ENOENT,
};

/* The core's input device has the three handpiece keys or none. */
FIXTURE_VARIANT_ADD(refused_board, a_handpiece_wired_in_part) {
	.opts = "speed_buttons=0", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, a_cartridge_detect_line_without_interrupt) {
	.opts = "detect_irq=0", .err = ENXIO,
};

/* Both edges are needed: a line's removal and insertion. */
FIXTURE_VARIANT_ADD(refused_board, a_cartridge_detect_interrupt_on_one_edge) {
	.opts = "detect_irq=2", .err = EINVAL,
};

/* Found after the registration: the pen is unregistered again. */
FIXTURE_VARIANT_ADD(refused_board, button_lines_without_interrupts) {
	.opts = "button_irqs=0", .err = ENXIO,
};

/* A press and a release: both edges again. */
FIXTURE_VARIANT_ADD(refused_board, button_interrupts_on_one_edge) {
	.opts = "button_irqs=2", .err = EINVAL,
};

/* A required property given as 0. */
FIXTURE_VARIANT_ADD(refused_board, no_travel) {
	.opts = "depth_max_um=0", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, a_slowest_rate_of_0) {
	.opts = "rate_min_mhz=0", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, a_slowest_rate_above_the_fastest) {
	.opts = "rate_min_mhz=300000 rate_max_mhz=200000", .err = EINVAL,
};

/* Above PEN_RATE_LIMIT_MHZ (50 kHz). */
FIXTURE_VARIANT_ADD(refused_board, a_fastest_rate_above_the_limit) {
	.opts = "rate_max_mhz=50001000", .err = EINVAL,
};

/* A reach time of 3.4 ms cannot be sampled within a 300 Hz stroke. */
FIXTURE_VARIANT_ADD(refused_board, a_reach_time_longer_than_a_stroke) {
	.opts = "lag_us=3300", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, a_reach_time_of_0) {
	.opts = "zero_reach_time=1", .err = EINVAL,
};

/* pen_vcm takes them; the core refuses the registration. */
FIXTURE_VARIANT_ADD(refused_board, a_depth_step_of_0) {
	.opts = "depth_step_um=0", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(refused_board, a_shallowest_depth_below_the_travel) {
	.opts = "depth_min_um=4000", .err = EINVAL,
};

FIXTURE_SETUP(refused_board)
{
	char buf[256], path[128];

	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	if (sim_from_device_tree())
		SKIP(return, "the device tree's benches are whole boards");
	snprintf(self->dev, sizeof(self->dev), "pen-vcm.%d", TB_ID + 3);
	sim_delete(TB_ID + 3);
	/* Not sim_create(), which deletes a bench whose pen did not bind. */
	snprintf(buf, sizeof(buf), "%d %s", TB_ID + 3, variant->opts);
	ASSERT_EQ(0, sim_write(sim_bus_file(path, sizeof(path), "new_device"),
			       buf));
}

FIXTURE_TEARDOWN(refused_board)
{
	sim_delete(TB_ID + 3);
}

TEST_F(refused_board, pen_vcm_does_not_bind_it)
{
	char path[128];

	ASSERT_TRUE(bench_exists(TB_ID + 3));
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s", self->dev);
	EXPECT_EQ(0, access(path, F_OK));
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/driver",
		 self->dev);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID + 3));

	EXPECT_EQ(-variant->err,
		  sim_write("/sys/bus/platform/drivers/pen-vcm/bind", self->dev));
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID + 3));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "drive"));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "regulator"));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "drive_enables"));
	EXPECT_EQ(0, sim_delete(TB_ID + 3));
}

/*
 * The PWM fails when the probe stops it: pen_vcm does not bind, the
 * drive left off. A failure of the moment: bound again, it works. (The
 * board's period is not the controller's at power-up, so that stopping
 * it changes its state: the PWM core skips an apply that changes none.)
 */
TEST(a_pwm_that_fails_at_probe_gets_no_pen_until_bound_again)
{
	char buf[64], path[128], dev[32];
	int fd;

	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	if (sim_from_device_tree())
		SKIP(return, "the device tree's benches are taken whole");
	snprintf(dev, sizeof(dev), "pen-vcm.%d", TB_ID + 3);
	sim_delete(TB_ID + 3);
	snprintf(buf, sizeof(buf), "%d pwm_fail=1 pwm_period_ns=40000",
		 TB_ID + 3);
	ASSERT_EQ(0, sim_write(sim_bus_file(path, sizeof(path), "new_device"),
			       buf));
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID + 3));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "pwm_applies"));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "drive"));

	ASSERT_EQ(0, sim_write("/sys/bus/platform/drivers/pen-vcm/bind", dev));
	EXPECT_LE(0, sim_pen_index(TB_ID + 3));
	fd = sim_open(TB_ID + 3, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(fd).state);
	close(fd);
	/* One apply, or two where PWM_DEBUG applies each twice. */
	EXPECT_LE(1, sim_state(TB_ID + 3, "pwm_applies"));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "pwm_enabled"));
	EXPECT_EQ(40000, sim_state(TB_ID + 3, "pwm_period_ns"));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "drive"));
	EXPECT_EQ(0, sim_delete(TB_ID + 3));
}

/*
 * A retraction that fails leaves the needle driven: the backend cuts the
 * enable line at once, and the next stroke fails, which stops the needle.
 */
TEST_F(bench, a_retraction_that_fails_stops_the_needle_without_force)
{
	expect_backend_stop(_metadata, self->fd, "retract_fail 1");
	EXPECT_EQ(0, sim_state(TB_ID, "sequence_errors"));
}

/*
 * A cartridge EEPROM wired but not (yet) registered: pen_vcm waits for
 * it. Its probe is deferred (a bind by hand fails with EAGAIN) and the
 * reason is the one the kernel lists for deferred devices; no pen.
 */
TEST(a_board_whose_cartridge_eeprom_is_not_there_waits_for_it)
{
	char buf[256], path[128], dev[32], line[256];
	bool listed = false;
	FILE *f;

	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	if (sim_from_device_tree())
		SKIP(return, "the device tree's benches are whole boards");
	snprintf(dev, sizeof(dev), "pen-vcm.%d", TB_ID + 3);
	sim_delete(TB_ID + 3);
	snprintf(buf, sizeof(buf), "%d eeprom_provider=0", TB_ID + 3);
	ASSERT_EQ(0, sim_write(sim_bus_file(path, sizeof(path), "new_device"),
			       buf));
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID + 3));
	EXPECT_EQ(-EAGAIN,
		  sim_write("/sys/bus/platform/drivers/pen-vcm/bind", dev));
	EXPECT_EQ(-ENOENT, sim_pen_index(TB_ID + 3));
	EXPECT_EQ(0, sim_state(TB_ID + 3, "drive_enables"));

	f = fopen("/sys/kernel/debug/devices_deferred", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, dev, strlen(dev)) &&
		    line[strlen(dev)] == '\t') {
			listed = true;
			EXPECT_NE(NULL, strstr(line, "cartridge EEPROM not ready"))
				TH_LOG("%s", line);
		}
	fclose(f);
	EXPECT_TRUE(listed);
	EXPECT_EQ(0, sim_delete(TB_ID + 3));
}

/*
 * The backend logs its hardware's failures rate-limited; the cuts are
 * not: sensors that cannot be read, or a retraction that fails, stop the
 * needle every time, however often.
 */
TEST_F(bench, hardware_that_fails_again_and_again_stops_the_needle_every_time)
{
	static const char *const cmds[] = { "adc_fail 1", "retract_fail 1" };
	struct pen_status st;
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(cmds); c++) {
		for (i = 0; i < 12; i++) {
			st = pen_run_then_inject(_metadata, self->fd, TB_ID,
						 2000000, cmds[c], 2000);
			ASSERT_EQ(PEN_STATE_STOPPED, st.state)
				TH_LOG("%s, time %u", cmds[c], i + 1);
			EXPECT_EQ(PEN_STOP_BACKEND, st.stop_reason)
				TH_LOG("%s, time %u", cmds[c], i + 1);
			EXPECT_EQ(0, sim_state(TB_ID, "drive"));
			EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
		}
	}
	expect_all_off(_metadata);
}

/*
 * A PWM that will not stop: each stop tries it again (the enable and the
 * supply are off already), until one succeeds. The supply was cut under
 * the PWM still on: the only way left to take the force away.
 */
TEST_F(bench, a_pwm_that_will_not_stop_is_stopped_again_at_each_stop)
{
	struct pen_status st;
	int i;

	st = pen_run_then_inject(_metadata, self->fd, TB_ID, 30000000,
				 "pwm_fail 1000", 2000);
	EXPECT_EQ(PEN_STOP_BACKEND, st.stop_reason);
	EXPECT_EQ(1, sim_state(TB_ID, "pwm_enabled"));
	/*
	 * Failures enough left for every stop's tries (two on the hard-irq
	 * path: the cut's, then the supply's work's), and each stop tries.
	 */
	for (i = 0; i < 15; i++) {
		long long tries = sim_state(TB_ID, "pwm_apply_failures");

		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
		wait_supply_off(TB_ID);
		EXPECT_LT(tries, sim_state(TB_ID, "pwm_apply_failures"))
			TH_LOG("stop %d", i);
		EXPECT_EQ(1, sim_state(TB_ID, "pwm_enabled")) TH_LOG("stop %d", i);
		EXPECT_EQ(0, sim_state(TB_ID, "drive"));
		EXPECT_EQ(0, sim_state(TB_ID, "regulator"));
		EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
	}
	ASSERT_EQ(0, sim_inject(TB_ID, "reset"));
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	EXPECT_EQ(0, sim_state(TB_ID, "pwm_enabled"));
	EXPECT_EQ(PEN_STATE_STOPPED, pen_status_of(self->fd).state);
}

/* The same for a motor supply that will not switch off. */
TEST_F(bench, a_motor_supply_that_will_not_switch_off_is_switched_off_at_each_stop)
{
	int i;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_START));
	sleep_ns(30000000);
	ASSERT_EQ(0, sim_inject(TB_ID, "supply_stuck 15"));
	for (i = 0; i < 15; i++) {
		ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
		EXPECT_EQ(1, sim_state(TB_ID, "regulator")) TH_LOG("stop %d", i);
		EXPECT_EQ(0, sim_state(TB_ID, "drive"));
		EXPECT_EQ(0, sim_state(TB_ID, "pwm_enabled"));
		EXPECT_EQ(0, sim_state(TB_ID, "current_ma"));
	}
	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_STOP));
	expect_all_off(_metadata);
}

/* A cartridge whose EEPROM cannot be read is none: no start. */
TEST_F(bench, a_cartridge_eeprom_that_cannot_be_read_is_no_cartridge)
{
	struct pen_status st;

	ASSERT_EQ(0, sim_inject(TB_ID, "eeprom_fail 1"));
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_insert 4242 500"));
	EXPECT_EQ(1, sim_state(TB_ID, "cartridge"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_NONE, st.cartridge_state);
	EXPECT_EQ(0, st.cartridge_id);
	EXPECT_EQ(-1, ioctl(self->fd, PEN_IOC_START));
	EXPECT_EQ(ENOMEDIUM, errno);
	expect_all_off(_metadata);

	/* A record with a 0 id names no cartridge. */
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_insert 0 500"));
	EXPECT_EQ(PEN_CARTRIDGE_NONE, pen_status_of(self->fd).cartridge_state);

	/* Read at its next insertion, it is known. */
	ASSERT_EQ(0, sim_inject(TB_ID, "cartridge_insert 4243 500"));
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(4243, st.cartridge_id);
	EXPECT_EQ(500, st.cartridge_budget);
}

/* A cartridge cell of 8 bytes holds no record: no cartridge runs. */
TEST(a_cartridge_eeprom_cell_of_the_wrong_size_accepts_no_cartridge)
{
	int fd = board_without(_metadata, "eeprom_bytes=8");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, sim_state(TB_ID + 2, "cartridge"));
	EXPECT_EQ(PEN_CARTRIDGE_NONE, pen_status_of(fd).cartridge_state);
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "cartridge_insert 4244 500"));
	expect_no_cartridge_runs(_metadata, fd);
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

/*
 * A board without debounce (debounce-interval 0): the cartridge and the
 * pedal are read at their edges, at once.
 */
TEST(a_board_without_debounce_reads_its_inputs_at_once)
{
	struct pen_status st;
	int fd = board_without(_metadata, "debounce_ms=0 footswitch=1");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	EXPECT_EQ(PEN_CARTRIDGE_READY, pen_status_of(fd).cartridge_state);
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "cartridge_insert 4245 300"));
	st = pen_status_of(fd);
	EXPECT_EQ(PEN_CARTRIDGE_READY, st.cartridge_state);
	EXPECT_EQ(4245, st.cartridge_id);
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "press footswitch"));
	EXPECT_TRUE(pen_status_of(fd).flags & PEN_STATUS_PEDAL_DOWN);
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "release footswitch"));
	EXPECT_FALSE(pen_status_of(fd).flags & PEN_STATUS_PEDAL_DOWN);
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

static int pedal_down(int fd)
{
	return !!(pen_status_of(fd).flags & PEN_STATUS_PEDAL_DOWN);
}

/*
 * A footswitch line that cannot be read counts as the pedal let go: a
 * press read so is no press, and hold-to-run refuses the start.
 */
TEST(a_pedal_that_cannot_be_read_is_let_go)
{
	struct pen_hold_to_run h = { .enable = 1 };
	int fd = board_without(_metadata, "footswitch=1");

	if (fd < 0 && _metadata->exit_code == KSFT_SKIP)
		return;
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_SET_HOLD_TO_RUN, &h));
	/* Read as it is. */
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "press footswitch"));
	EXPECT_EQ(1, pedal_down(fd));
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "release footswitch"));
	EXPECT_EQ(0, pedal_down(fd));

	ASSERT_EQ(0, sim_inject(TB_ID + 2, "gpio_fail 1"));
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "press footswitch"));
	EXPECT_EQ(0, pedal_down(fd));
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, sim_state(TB_ID + 2, "regulator"));

	/* Its next press is read. */
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "release footswitch"));
	ASSERT_EQ(0, sim_inject(TB_ID + 2, "press footswitch"));
	EXPECT_EQ(1, pedal_down(fd));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	EXPECT_EQ(PEN_STATE_RUNNING, pen_status_of(fd).state);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	close(fd);
	EXPECT_EQ(0, sim_delete(TB_ID + 2));
}

TEST(bad_injections_are_refused)
{
	static const char *const bad[] = {
		"melt 5", "stuck", "late 1000000", "pwm_fail 1001",
		"eeprom_fail 1001", "gpio_fail", "eeprom_fail -1",
		"supply_low 8000",	/* the bench has no supply monitor */
		"press main",		/* nor buttons on this one */
		"footswitch_bounce",	/* nor a footswitch */
		"position_fail 1001", "cartridge_bounce 1",
		"cartridge_swap 4248",
	};

	if (!bench_loaded())
		SKIP(return, "no pen_testbench (a kernel without IIO?)");
	expect_injections_refused(_metadata, TB_ID + 1, "buttons=0", bad,
				  ARRAY_SIZE(bad));
	/* Creation errors reach the writer. */
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "rate_max_mhz=250500"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "eeprom_bytes=0"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "eeprom_bytes=17"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "pwm_fail=1001"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "speed_buttons=2"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "detect_irq=3"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "debounce_ms=21"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "colour=blue"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "temperature=2"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "optional_props=2"));
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1, "zero_reach_time=2"));
	/* pen_vcm would not see the reach time 0 of a board without it. */
	EXPECT_EQ(-EINVAL, sim_create(TB_ID + 1,
				      "optional_props=0 zero_reach_time=1"));
}

TEST_HARNESS_MAIN
