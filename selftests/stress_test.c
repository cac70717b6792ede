// SPDX-License-Identifier: GPL-2.0
/*
 * A storm on one pen: processes and threads opening, closing, reading,
 * polling and making ioctls while a controller starts and stops it, and
 * START racing against the controller's close (another thread closes it
 * under the call), against STOP from other files, and against faults and
 * cartridge changes injected through the sim.
 *
 * Every call's result must be one the ABI allows; every file's event
 * stream stays whole and in order; and in every pause (all workers stopped
 * at a barrier) the pen is consistent: the sim's drive on while it runs,
 * never running without a controller, as many event rings as files open.
 * A stopped pen's drive is off, or, on the core's stroke thread (pen_sim
 * threaded=1), its cut is pending in the core and is made. Afterwards the
 * pen works, every stroke the needle made is within its depth range and
 * cap and never faster than its fastest rate (pen_check_strokes()), and
 * the drive went off after every stop (pen_check_cuts()): at once on the
 * hard-irq path, on the stroke thread within the bound of docs/safety.md,
 * the longest backend call plus one wake-up of the thread (allowed
 * PEN_CUT_WAKE_US, default 2000).
 *
 * Real parallelism needs more than one CPU: scripts/check runs it once
 * more in a 2-vCPU boot without -icount (PEN_VM_SMP=2), longer
 * (PEN_STRESS_ROUNDS, PEN_STRESS_ROUND_MS; default 8 rounds of 100 ms).
 * There the host may hold a vCPU back for as long as it likes while the
 * guest's clock runs on, so no bound in guest time holds: that boot sets
 * PEN_CUT_WAKE_US to what only a lost cut exceeds (docs/reliability.md).
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_expect.h"
#include "pen_proc.h"

#define SIM_ID		1700
/* A cut the core owes at a pause must come; later than this, it is lost. */
#define CUT_LOST_MS	10000
#define SIM_OPTS	"depth_min_um=100 depth_max_um=2500 depth_step_um=20 " \
			"rate_min_mhz=30000 rate_max_mhz=250000 lag_us=300 " \
			"record_size=262144"
#define DEPTH_MIN	100U
#define DEPTH_MAX	2500U
#define DEPTH_STEP	20U
#define DEPTH_CAP	2000U
#define RATE_MIN	30000U
#define RATE_MAX	250000U

/* Workers: processes, each with threads. */
enum { W_DRIVER, W_CLOSER, W_READER0, W_READER1, W_READER2, W_IOCTL0,
       W_IOCTL1, W_IOCTL2, W_FAULTS, NWORKERS };
#define READER_FILES	3
#define IOCTL_FILES	2

struct shared {
	pthread_barrier_t pause, resume;
	int pausing;
	int done;
	int ctl;			/* the controller, in the driving process */
	int ctl_open;
	uint64_t cartridge_id;
	int files[NWORKERS];		/* read-only files each holds open */
	uint64_t calls[NWORKERS];
	uint64_t records[NWORKERS];
	uint64_t errors[NWORKERS];
	char error[NWORKERS][160];	/* the first unexpected result */
};

static struct shared *sh;

struct worker {
	int id;
	uint64_t rng;
};

static uint32_t wrand(struct worker *w, uint32_t n)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return (uint32_t)(((w->rng * 0x2545F4914F6CDD1DULL) >> 32) * n >> 32);
}

static int pausing(void)
{
	return __atomic_load_n(&sh->pausing, __ATOMIC_ACQUIRE);
}

static void bad(struct worker *w, const char *what, int err)
{
	if (!sh->errors[w->id]++)
		snprintf(sh->error[w->id], sizeof(sh->error[0]), "%s: %s",
			 what, err ? strerror(err) : "succeeded");
}

/* Check a call: 0, or an errno in @ok (a zero-terminated list). */
static void expect_one_of(struct worker *w, const char *what, int ret,
			  const int *ok)
{
	int err = ret ? errno : 0;

	sh->calls[w->id]++;
	if (!err)
		return;
	for (; *ok; ok++)
		if (err == *ok)
			return;
	bad(w, what, err);
}

static void sleep_up_to_us(struct worker *w, uint32_t max_us)
{
	sleep_ns(1000ULL * wrand(w, max_us + 1));
}

/* The controller: setpoints, START, a while, STOP, clear, kick. */
static void driver_step(struct worker *w)
{
	static const int ok_set[] = { EBADF, 0 };
	static const int ok_start[] = { EALREADY, EIO, ECANCELED, ENOMEDIUM,
					EBADF, 0 };
	int fd = __atomic_load_n(&sh->ctl, __ATOMIC_ACQUIRE);
	uint32_t depth = DEPTH_MIN + wrand(w, (DEPTH_CAP - DEPTH_MIN) /
					   DEPTH_STEP + 1) * DEPTH_STEP;
	uint32_t rate = RATE_MIN + wrand(w, RATE_MAX - RATE_MIN + 1);

	expect_one_of(w, "SET_PARAMS", pen_params_set(fd, PEN_PARAM_ALL,
						       depth, rate), ok_set);
	expect_one_of(w, "CLEAR_FAULT", ioctl(fd, PEN_IOC_CLEAR_FAULT), ok_set);
	expect_one_of(w, "START", ioctl(fd, PEN_IOC_START), ok_start);
	sleep_up_to_us(w, 8000);
	expect_one_of(w, "KICK_WATCHDOG", ioctl(fd, PEN_IOC_KICK_WATCHDOG),
		      ok_set);
	if (!wrand(w, 16))
		expect_one_of(w, "STOP", ioctl(fd, PEN_IOC_STOP), ok_set);
}

/*
 * Closes the controller under the driver's calls, and opens it again. It
 * opens nothing else (the node by its path, no directory looked up), so a
 * number the driver still uses is either closed or the new controller.
 */
static void closer_step(struct worker *w, int pen)
{
	char path[32];
	int fd;

	sleep_up_to_us(w, 50000);
	if (pausing())
		return;
	if (!__atomic_load_n(&sh->ctl_open, __ATOMIC_ACQUIRE)) {
		snprintf(path, sizeof(path), "/dev/pen%d", pen);
		fd = open(path, O_RDWR | O_CLOEXEC);
		sh->calls[w->id]++;
		if (fd < 0) {
			/* The old file is released once the driver's call is. */
			if (errno != EBUSY)
				bad(w, "open O_RDWR", errno);
			return;
		}
		__atomic_store_n(&sh->ctl, fd, __ATOMIC_RELEASE);
		__atomic_store_n(&sh->ctl_open, 1, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&sh->ctl_open, 0, __ATOMIC_RELEASE);
	sh->calls[w->id]++;
	if (close(__atomic_load_n(&sh->ctl, __ATOMIC_ACQUIRE)))
		bad(w, "close the controller", errno);
}

/* A reader's files, and the stroke each saw last (to check the order). */
struct reader_files {
	int fd[READER_FILES];
	int64_t last[READER_FILES];
};

static void reader_take(struct worker *w, struct reader_files *rf, int i,
			const struct pen_event *ev, size_t n)
{
	char what[96];
	size_t k;

	for (k = 0; k < n; k++) {
		sh->records[w->id]++;
		if (!pen_event_unused_zero(&ev[k])) {
			snprintf(what, sizeof(what), "record of type %u", ev[k].type);
			bad(w, what, 0);
		}
		if (ev[k].type == PEN_EVENT_OVERFLOW)
			rf->last[i] = -1;	/* a gap, counted */
		if (ev[k].type != PEN_EVENT_STROKE)
			continue;
		if (rf->last[i] >= 0 && ev[k].seq != (uint64_t)rf->last[i] + 1) {
			snprintf(what, sizeof(what), "stroke %llu after %lld",
				 (unsigned long long)ev[k].seq,
				 (long long)rf->last[i]);
			bad(w, what, 0);
		}
		rf->last[i] = ev[k].seq;
	}
}

/* Poll, read what is there, now and then reopen a file or STOP. */
static void reader_step(struct worker *w, struct reader_files *rf)
{
	static const int ok_read[] = { EAGAIN, 0 };
	static const int ok_none[] = { 0 };
	struct pollfd p[READER_FILES];
	struct pen_event ev[64];
	ssize_t n;
	int i;

	for (i = 0; i < READER_FILES; i++) {
		p[i].fd = rf->fd[i];
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	sh->calls[w->id]++;
	if (poll(p, READER_FILES, 5) < 0)
		bad(w, "poll", errno);
	for (i = 0; i < READER_FILES; i++) {
		if (p[i].revents & ~(POLLIN | POLLRDNORM))
			bad(w, "poll: hang-up on a live pen", 0);
		if (!(p[i].revents & POLLIN))
			continue;
		n = read(rf->fd[i], ev, sizeof(ev));
		expect_one_of(w, "read", n < 0 ? -1 : 0, ok_read);
		if (n > 0 && n % sizeof(ev[0]))
			bad(w, "read: part of a record", 0);
		if (n > 0)
			reader_take(w, rf, i, ev, n / sizeof(ev[0]));
	}
	if (!wrand(w, 1000))
		expect_one_of(w, "STOP", ioctl(rf->fd[wrand(w, READER_FILES)],
					       PEN_IOC_STOP), ok_none);
	if (!wrand(w, 10)) {
		i = wrand(w, READER_FILES);
		close(rf->fd[i]);
		rf->fd[i] = sim_open(SIM_ID, O_RDONLY | O_NONBLOCK);
		rf->last[i] = -1;
		expect_one_of(w, "open O_RDONLY", rf->fd[i] < 0 ? -1 : 0,
			      ok_none);
	}
}

/* Reads file @file of pen @pen under @dir (its sysfs or debugfs). */
static void read_pen_file(struct worker *w, const char *dir, int pen,
			  const char *file)
{
	char buf[4096], path[96];
	int fd;

	snprintf(path, sizeof(path), "%s/pen%d/%s", dir, pen, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	sh->calls[w->id]++;
	if (fd < 0) {
		bad(w, path, errno);
		return;
	}
	if (read(fd, buf, sizeof(buf)) < 0)
		bad(w, path, errno);
	close(fd);
}

/* Opens, closes, queries; reads sysfs and debugfs meanwhile. */
static void ioctl_step(struct worker *w, int *fd, int pen)
{
	static const int ok_none[] = { 0 };
	struct pen_status st;
	struct pen_info info;
	int i = wrand(w, IOCTL_FILES);

	switch (wrand(w, 8)) {
	case 0:
		close(fd[i]);
		fd[i] = sim_open(SIM_ID, O_RDONLY);
		expect_one_of(w, "open O_RDONLY", fd[i] < 0 ? -1 : 0, ok_none);
		break;
	case 1:
		expect_one_of(w, "GET_INFO",
			      ioctl(fd[i], PEN_IOC_GET_INFO, &info), ok_none);
		if (info.depth_cap_um != DEPTH_CAP || info.reserved[0])
			bad(w, "GET_INFO: limits", 0);
		break;
	case 2:
		if (!wrand(w, 1000))
			expect_one_of(w, "STOP", ioctl(fd[i], PEN_IOC_STOP),
				      ok_none);
		break;
	case 3:
		read_pen_file(w, "/sys/class/pen", pen, "stats/strokes");
		break;
	case 4:
		read_pen_file(w, "/sys/kernel/debug/pen", pen, "readers");
		break;
	case 5:
		read_pen_file(w, "/sys/kernel/debug/pen", pen, "timing");
		break;
	default:
		expect_one_of(w, "GET_STATUS",
			      ioctl(fd[i], PEN_IOC_GET_STATUS, &st), ok_none);
		if (st.state > PEN_STATE_RUNNING || st.reserved[0] ||
		    st.depth_um > DEPTH_CAP)
			bad(w, "GET_STATUS: fields", 0);
		break;
	}
}

/* Faults and cartridge changes, the way the hardware reports them. */
static void faults_step(struct worker *w)
{
	char cmd[64];
	int ret;

	sleep_up_to_us(w, 100000);
	switch (wrand(w, 4)) {
	case 0:
		ret = sim_inject(SIM_ID, "overcurrent 900");
		break;
	case 1:
		ret = sim_inject(SIM_ID, "cartridge_remove");
		if (ret)
			break;
		snprintf(cmd, sizeof(cmd), "cartridge_insert %llu 1000000",
			 (unsigned long long)
			 __atomic_add_fetch(&sh->cartridge_id, 1, __ATOMIC_RELAXED));
		ret = sim_inject(SIM_ID, cmd);
		break;
	case 2:
		ret = sim_inject(SIM_ID, "late 500");
		break;
	default:
		ret = sim_inject(SIM_ID, "supply_low 4000");
		break;
	}
	sh->calls[w->id]++;
	if (ret)
		bad(w, "inject", -ret);
}

static void worker_run(int id, int pen)
{
	struct worker w = { .id = id, .rng = 0x9E3779B97F4A7C15ULL * (id + 1) };
	struct reader_files rf;
	int fd[IOCTL_FILES], i;

	for (i = 0; i < READER_FILES; i++) {
		rf.fd[i] = -1;
		if (id >= W_READER0 && id <= W_READER2)
			rf.fd[i] = sim_open(SIM_ID, O_RDONLY | O_NONBLOCK);
		rf.last[i] = -1;
	}
	for (i = 0; i < IOCTL_FILES; i++)
		fd[i] = id >= W_IOCTL0 && id <= W_IOCTL2 ?
			sim_open(SIM_ID, O_RDONLY) : -1;

	for (;;) {
		while (!pausing()) {
			switch (id) {
			case W_DRIVER:
				driver_step(&w);
				break;
			case W_CLOSER:
				closer_step(&w, pen);
				break;
			case W_READER0:
			case W_READER1:
			case W_READER2:
				reader_step(&w, &rf);
				break;
			case W_FAULTS:
				faults_step(&w);
				break;
			default:
				ioctl_step(&w, fd, pen);
				break;
			}
		}
		if (id >= W_READER0 && id <= W_READER2) {
			for (i = 0, sh->files[id] = 0; i < READER_FILES; i++)
				sh->files[id] += rf.fd[i] >= 0;
		} else if (id >= W_IOCTL0 && id <= W_IOCTL2) {
			for (i = 0, sh->files[id] = 0; i < IOCTL_FILES; i++)
				sh->files[id] += fd[i] >= 0;
		}
		pthread_barrier_wait(&sh->pause);
		pthread_barrier_wait(&sh->resume);
		if (__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))
			break;
	}
	/* Not all of them: the process's exit closes the rest. */
	if (id >= W_READER0 && id <= W_READER2)
		close(rf.fd[0]);
}

static void *worker_thread(void *arg)
{
	int *a = arg;

	worker_run(a[0], a[1]);
	return NULL;
}

/* One process of workers @first to @last, each in a thread. */
static pid_t spawn(int first, int last, int pen)
{
	pthread_t t[NWORKERS];
	int args[NWORKERS][2], i;
	pid_t pid = fork();

	if (pid)
		return pid;
	/* The controller is this process's own, shared by its threads. */
	if (first == W_DRIVER) {
		sh->ctl = sim_open(SIM_ID, O_RDWR);
		if (sh->ctl < 0)
			_exit(3);
		sh->ctl_open = 1;
	}
	for (i = first; i <= last; i++) {
		args[i][0] = i;
		args[i][1] = pen;
		if (pthread_create(&t[i], NULL, worker_thread, args[i]))
			_exit(2);
	}
	for (i = first; i <= last; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v ? strtoul(v, NULL, 0) : def;
}

/*
 * The pen's status, the core's deferred cut and the sim's drive, at a
 * pause, consistent: with every worker stopped only the core itself can
 * still stop the needle (a timing fault), so read again until the status
 * is the same on both sides of the other two.
 */
static void pause_snapshot(int ro, int pen, struct pen_status *st,
			   struct pen_cuts *cuts, long long *drive)
{
	struct pen_status again;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		*st = pen_status_of(ro);
		pen_cuts_of(pen, cuts);
		*drive = sim_state(SIM_ID, "drive");
		again = pen_status_of(ro);
		if (again.state == st->state &&
		    again.stopped_ns == st->stopped_ns)
			return;
	}
}

static int stress_timeout(void)
{
	return 120 + env_uint("PEN_STRESS_ROUNDS", 8) *
		     (env_uint("PEN_STRESS_ROUND_MS", 100) / 1000 + 5);
}

PEN_ID_FIXTURE(storm, SIM_ID);

TEST_F_TIMEOUT(storm, start_races_close_stop_and_faults, stress_timeout())
{
	unsigned int rounds = env_uint("PEN_STRESS_ROUNDS", 8);
	unsigned int round_ms = env_uint("PEN_STRESS_ROUND_MS", 100);
	struct pen_limits lim = {
		.depth_min_um = DEPTH_MIN, .depth_max_um = DEPTH_MAX,
		.depth_step_um = DEPTH_STEP, .depth_cap_um = DEPTH_CAP,
		.rate_min_mhz = RATE_MIN, .rate_max_mhz = RATE_MAX,
	};
	pthread_barrierattr_t ba;
	struct pen_stroke_check chk;
	struct pen_monitor mon;
	struct pen_status st;
	uint64_t calls = 0, records = 0, running = 0, controlled = 0, t0;
	uint64_t owed = 0, bound_ns;
	unsigned int wake_us = env_uint("PEN_CUT_WAKE_US", 2000);
	struct worker w = { .rng = 12345 };
	struct pen_cut_check cut;
	struct sim_span *spans = NULL;
	struct pen_cuts cuts;
	pid_t pid[4];
	int pen, status, files, expect, i, fd, ro, threaded;
	char cap[16], max_missed[16];
	long long drive;
	unsigned int r;
	long n;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	sh->cartridge_id = 0x7a000000;
	ASSERT_EQ(0, pthread_barrierattr_init(&ba));
	ASSERT_EQ(0, pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED));
	/* Every worker thread, and this one. */
	ASSERT_EQ(0, pthread_barrier_init(&sh->pause, &ba, NWORKERS + 1));
	ASSERT_EQ(0, pthread_barrier_init(&sh->resume, &ba, NWORKERS + 1));

	sim_delete(SIM_ID);
	ASSERT_EQ(0, sim_create(SIM_ID, SIM_OPTS));
	snprintf(cap, sizeof(cap), "%u", DEPTH_CAP);
	ASSERT_EQ(0, sim_pen_attr_write(SIM_ID, "depth_cap_um", cap));
	pen = sim_pen_index(SIM_ID);
	ASSERT_LE(0, pen);
	threaded = pen_on_stroke_thread(SIM_ID);
	ASSERT_EQ(0, pen_monitor_start(&mon, SIM_ID));
	ro = sim_open(SIM_ID, O_RDONLY);
	ASSERT_LE(0, ro);

	printf("# %ld CPUs, %u rounds of %u ms, %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), rounds, round_ms,
	       threaded ? "on the stroke thread" : "on the hard-irq timer");
	t0 = now_ns();
	pid[0] = spawn(W_DRIVER, W_CLOSER, pen);
	pid[1] = spawn(W_READER0, W_READER2, pen);
	pid[2] = spawn(W_IOCTL0, W_IOCTL2, pen);
	pid[3] = spawn(W_FAULTS, W_FAULTS, pen);

	for (r = 0; r < rounds; r++) {
		/* Rounds of uneven length, so pauses fall anywhere. */
		sleep_ns(1000ULL * (round_ms * 500 + wrand(&w, round_ms * 1000)));
		__atomic_store_n(&sh->pausing, 1, __ATOMIC_RELEASE);
		pthread_barrier_wait(&sh->pause);

		/* Everyone stopped: is the pen consistent? */
		pause_snapshot(ro, pen, &st, &cuts, &drive);
		running += st.state == PEN_STATE_RUNNING;
		controlled += !!(st.flags & PEN_STATUS_CONTROLLED);
		if (st.state == PEN_STATE_RUNNING) {
			EXPECT_EQ(1, drive) TH_LOG("round %u: running, drive %lld",
						  r, drive);
		} else if (drive == 1) {
			/*
			 * Stopped where the drive could not be cut at once:
			 * only on the stroke thread, the core must know it
			 * owes the cut, and must make it.
			 */
			owed++;
			EXPECT_TRUE(threaded)
				TH_LOG("round %u: stopped, drive on", r);
			EXPECT_EQ(1, cuts.pending)
				TH_LOG("round %u: stopped, drive on, no cut pending", r);
			EXPECT_EQ(0, sim_wait_drive_off(SIM_ID, CUT_LOST_MS))
				TH_LOG("round %u: the pending cut never came", r);
		} else {
			EXPECT_EQ(0, drive) TH_LOG("round %u: stopped, drive %lld",
						  r, drive);
		}
		if (!(st.flags & PEN_STATUS_CONTROLLED))
			EXPECT_EQ(PEN_STATE_STOPPED, st.state)
				TH_LOG("round %u: running without a controller", r);
		EXPECT_EQ(sh->ctl_open, !!(st.flags & PEN_STATUS_CONTROLLED))
			TH_LOG("round %u", r);
		for (i = 0, expect = 2 + sh->ctl_open; i < NWORKERS; i++)
			expect += sh->files[i];
		files = pen_open_files(pen);
		EXPECT_EQ(expect, files) TH_LOG("round %u: event rings", r);

		__atomic_store_n(&sh->pausing, 0, __ATOMIC_RELEASE);
		if (r == rounds - 1)
			__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
		pthread_barrier_wait(&sh->resume);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("worker process %d: status %#x", i, status);
	}
	for (i = 0; i < NWORKERS; i++) {
		calls += sh->calls[i];
		records += sh->records[i];
		EXPECT_EQ(0, sh->errors[i])
			TH_LOG("worker %d: %llu unexpected results, the first %s",
			       i, (unsigned long long)sh->errors[i], sh->error[i]);
		EXPECT_LT(0, sh->calls[i]) TH_LOG("worker %d made no call", i);
	}
	printf("# %llu calls, %llu records read in %.1f s; in the %u pauses, controlled %llu times, running %llu\n",
	       (unsigned long long)calls, (unsigned long long)records,
	       (now_ns() - t0) / 1e9, rounds, (unsigned long long)controlled,
	       (unsigned long long)running);

	/* Everyone gone: stopped, uncontrolled, the files released. */
	st = pen_status_of(ro);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(0, st.flags & PEN_STATUS_CONTROLLED);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(2, pen_open_files(pen));

	/*
	 * And it still works. It must still be running at the STOP: the
	 * timing fault's limit is lifted, as a host may hold the guest back.
	 */
	ASSERT_EQ(0, pen_param_swap("max_missed_strokes", "1000000",
				    max_missed, sizeof(max_missed)));
	fd = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_CLEAR_FAULT));
	ASSERT_EQ(0, pen_params_set(fd, PEN_PARAM_ALL, 1000, 200000));
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	st = pen_wait_run_strokes(fd, 3, CUT_LOST_MS);
	EXPECT_LE(3, st.run_strokes);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	EXPECT_EQ(0, pen_param_restore("max_missed_strokes", max_missed));
	st = pen_status_of(fd);
	EXPECT_EQ(PEN_STOP_REQUEST, st.stop_reason);
	close(fd);
	close(ro);

	expect_strokes_within(_metadata, &mon, SIM_ID, &lim, &chk);
	printf("# %ld strokes in %ld runs, depths %u-%u um, closest %.3f ms apart on the schedule (fastest period %.3f ms)\n",
	       chk.strokes, chk.runs, chk.min_um, chk.max_um,
	       chk.min_ideal_gap_ns / 1e6, pen_period_ns(RATE_MAX) / 1e6);

	/*
	 * The drive went off after every stop, and never later than the
	 * bound: at once on the hard-irq timer; on the stroke thread after
	 * at most the backend call in progress and one wake-up of the thread.
	 */
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_spans_dropped"));
	n = sim_spans(SIM_ID, &spans);
	ASSERT_LT(0, n);
	EXPECT_EQ(0, pen_check_cuts(&mon, spans, n, &cut));
	ASSERT_EQ(0, pen_cuts_of(pen, &cuts));
	EXPECT_EQ(0, cuts.pending);
	if (threaded) {
		bound_ns = cuts.longest_call_ns + wake_us * 1000ULL;
		EXPECT_LE(cut.max_ns, bound_ns)
			TH_LOG("the drive stayed on %.3f ms after a stop (reason %u), bound %.3f ms",
			       cut.max_ns / 1e6, cut.max_reason, bound_ns / 1e6);
		EXPECT_LE(cuts.max_delay_ns, (long long)bound_ns);
	} else {
		/* At once: in the same spinlock hold that stopped it. */
		EXPECT_EQ(0, cuts.deferred);
		bound_ns = wake_us * 1000ULL;
		EXPECT_LE(cut.max_ns, bound_ns)
			TH_LOG("the drive stayed on %.3f ms after a stop (reason %u)",
			       cut.max_ns / 1e6, cut.max_reason);
	}
	printf("# %ld stops; the drive went off after %ld of them (before the rest), at most %.1f us after one (bound %.1f us); the core: %lld deferred cuts, %llu owed at a pause, waits up to %.1f us, backend calls up to %.1f us\n",
	       cut.stops, cut.late, cut.max_ns / 1e3, bound_ns / 1e3,
	       cuts.deferred, (unsigned long long)owed,
	       cuts.max_delay_ns / 1e3, cuts.longest_call_ns / 1e3);
	free(spans);
	pen_monitor_free(&mon);
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
