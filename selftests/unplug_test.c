// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-unplug and module unload. A simulated pen removed while its needle
 * runs, while readers block in read(), poll() and epoll_wait(), and while
 * other threads have ioctls in flight: the needle stops (the last record
 * every reader gets is the stop, PEN_STOP_REMOVED), every blocked caller
 * wakes, every later call is ENODEV, poll reports a hang-up, and closing
 * the last file frees the pen (its number is free again; KASAN and
 * kmemleak, on the debug kernel, see the rest). Pens created and removed
 * PEN_UNPLUG_LOOPS times (default 10000) leave nothing behind.
 *
 * Modules: pen.ko is in use while pen_sim.ko (or anything else using it)
 * is loaded and while any file it serves is open: /dev/penN, even of a
 * removed pen, or its debugfs files. pen_sim.ko is in use only while one
 * of its own debugfs files is open; open pens do not hold it: unloading
 * it is unplugging every simulated pen at once. rmmod refuses a module in
 * use, and unloading leaves nothing behind.
 */
#include <linux/input.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"

#define SIM_ID		1500
#define IDLE_ID		1501
#define LOOP_ID		1502
#define BUSY_ID		1503
#define NHAMMER		4


/* A thread reading one file until it fails: blocking read() or poll(). */
struct reader {
	pthread_t thread;
	int fd;
	int use_poll;		/* 1 poll(), 2 epoll_wait(), 0 read() */
	int err;		/* errno of the read that failed */
	int revents;		/* poll()'s events when it reported a hang-up */
	uint64_t records;
	struct pen_event last_state;	/* the last STATE record */
	uint64_t after_stop;	/* records after the REMOVED stop */
	uint64_t lost_after_state;	/* events an OVERFLOW record counted
					 * after the last STATE record */
};

static void reader_take(struct reader *r, const struct pen_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		r->records++;
		if (r->last_state.type &&
		    r->last_state.state.stop_reason == PEN_STOP_REMOVED)
			r->after_stop++;
		if (ev[i].type == PEN_EVENT_STATE) {
			r->last_state = ev[i];
			r->lost_after_state = 0;
		} else if (ev[i].type == PEN_EVENT_OVERFLOW) {
			r->lost_after_state += ev[i].overflow.lost;
		}
	}
}

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	struct pen_event ev[32];
	struct epoll_event ee = { .events = EPOLLIN };
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	int ep = -1;
	ssize_t n;

	if (r->use_poll == 2) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, r->fd, &ee))
			return NULL;
	}
	for (;;) {
		if (r->use_poll == 1) {
			p.revents = 0;
			if (poll(&p, 1, -1) < 0)
				continue;
			if (p.revents & (POLLHUP | POLLERR)) {
				r->revents = p.revents;
				break;
			}
		} else if (r->use_poll == 2) {
			ee.events = 0;
			if (epoll_wait(ep, &ee, 1, -1) < 1)
				continue;
			if (ee.events & (EPOLLHUP | EPOLLERR)) {
				r->revents = ee.events;
				break;
			}
		}
		n = read(r->fd, ev, sizeof(ev));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			r->err = errno;
			break;
		}
		reader_take(r, ev, n / sizeof(ev[0]));
	}
	/* After the hang-up: what is left, then ENODEV. */
	while (r->use_poll && (n = read(r->fd, ev, sizeof(ev))) > 0)
		reader_take(r, ev, n / sizeof(ev[0]));
	if (r->use_poll)
		r->err = n < 0 ? errno : 0;
	if (ep >= 0)
		close(ep);
	return NULL;
}

/* A thread making ioctls until the pen is gone, then one more round. */
struct hammer {
	pthread_t thread;
	int ctl, ro;
	int *removed;		/* set once del_device has returned */
	uint64_t calls;
	int bad_before;		/* an error no live pen gives */
	int not_enodev;		/* a call after the removal that was not ENODEV */
};

static int hammer_round(struct hammer *h, int after)
{
	struct pen_status st;
	struct pen_info info;
	int ret[5], i, bad = 0;

	ret[0] = ioctl(h->ro, PEN_IOC_GET_STATUS, &st) ? errno : 0;
	ret[1] = pen_params_set(h->ctl, PEN_PARAM_ALL, 100 * (1 + h->calls % 20),
				100000 + 1000 * (h->calls % 100)) ? errno : 0;
	ret[2] = ioctl(h->ctl, PEN_IOC_START) ? errno : 0;
	ret[3] = ioctl(h->ro, PEN_IOC_STOP) ? errno : 0;
	ret[4] = ioctl(h->ro, PEN_IOC_GET_INFO, &info) ? errno : 0;
	__atomic_add_fetch(&h->calls, 5, __ATOMIC_RELAXED);
	for (i = 0; i < 5; i++) {
		if (after) {
			bad |= ret[i] != ENODEV;
			continue;
		}
		/* START may find it running or lose to a STOP. */
		if (ret[i] && ret[i] != ENODEV &&
		    !(i == 2 && (ret[i] == EALREADY || ret[i] == ECANCELED)))
			h->bad_before = ret[i];
	}
	return bad;
}

static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;

	while (!__atomic_load_n(h->removed, __ATOMIC_ACQUIRE))
		hammer_round(h, 0);
	h->not_enodev = hammer_round(h, 1);
	return NULL;
}

/* Wait (up to 10 s) for thread @tid to sleep, in the call it is making. */
static int wait_asleep(pid_t tid)
{
	char path[64], buf[256], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	for (i = 0; i < 1000; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				return 0;
		}
		sleep_ns(10000000);
	}
	return -ETIMEDOUT;
}

struct tid_arg {
	struct reader *r;
	pid_t tid;
};

static void *idle_reader_fn(void *arg)
{
	struct tid_arg *t = arg;

	__atomic_store_n(&t->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	return reader_fn(t->r);
}

/*
 * The running pen must still be running when it is removed: without
 * -icount (the 2-vCPU boot) a loaded host can hold its timer back past
 * the timing fault's two periods, so that limit is lifted meanwhile.
 */
FIXTURE(unplug) {
	char max_missed[16];
};

FIXTURE_SETUP(unplug)
{
	ASSERT_EQ(0, pen_param_swap("max_missed_strokes", "1000000",
				    self->max_missed,
				    sizeof(self->max_missed)));
}

FIXTURE_TEARDOWN(unplug)
{
	pen_param_restore("max_missed_strokes", self->max_missed);
}

/* Every hammer has made @calls calls, or @max_ms went by. */
static int hammers_made(struct hammer *hm, uint64_t calls, unsigned int max_ms)
{
	unsigned int waited, i;

	for (waited = 0; waited < max_ms; waited++) {
		for (i = 0; i < NHAMMER; i++)
			if (__atomic_load_n(&hm[i].calls, __ATOMIC_RELAXED) < calls)
				break;
		if (i == NHAMMER)
			return 1;
		sleep_ns(1000000);
	}
	return 0;
}

TEST_F(unplug, removal_wakes_everyone_and_the_last_close_frees_the_pen)
{
	struct reader rd[4] = {
		{ .use_poll = 0 }, { .use_poll = 1 }, { .use_poll = 2 },
		{ .use_poll = 0 },
	};
	struct reader idle = { .use_poll = 0 };
	struct tid_arg idle_arg = { .r = &idle };
	pthread_t idle_thread;
	struct hammer hm[NHAMMER];
	struct pen_status st;
	int ctl, busy, ro[NHAMMER], removed = 0, index, other, i;
	pid_t tid;

	sim_delete(SIM_ID);
	sim_delete(IDLE_ID);
	sim_delete(BUSY_ID);
	/* One pen running steadily, one idle, one under a storm of ioctls. */
	ASSERT_EQ(0, sim_create(SIM_ID, "rate_max_mhz=250000"));
	ASSERT_EQ(0, sim_create(IDLE_ID, NULL));
	ASSERT_EQ(0, sim_create(BUSY_ID, NULL));
	index = sim_pen_index(SIM_ID);
	ASSERT_LE(0, index);

	ctl = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, pen_params_set(ctl, PEN_PARAM_ALL, 500, 250000));
	ASSERT_EQ(0, ioctl(ctl, PEN_IOC_START));
	for (i = 0; i < 4; i++) {
		rd[i].fd = sim_open(i < 3 ? SIM_ID : BUSY_ID, O_RDONLY |
				    (rd[i].use_poll ? O_NONBLOCK : 0));
		ASSERT_LE(0, rd[i].fd);
		ASSERT_EQ(0, pthread_create(&rd[i].thread, NULL, reader_fn,
					    &rd[i]));
	}
	/* A reader of a pen that has nothing to say: it sleeps in read(). */
	idle.fd = sim_open(IDLE_ID, O_RDONLY);
	ASSERT_LE(0, idle.fd);
	ASSERT_EQ(0, pthread_create(&idle_thread, NULL, idle_reader_fn,
				    &idle_arg));
	while (!(tid = __atomic_load_n(&idle_arg.tid, __ATOMIC_ACQUIRE)))
		sleep_ns(1000000);
	ASSERT_EQ(0, wait_asleep(tid));

	busy = sim_open(BUSY_ID, O_RDWR);
	ASSERT_LE(0, busy);
	for (i = 0; i < NHAMMER; i++) {
		ro[i] = sim_open(BUSY_ID, O_RDONLY);
		ASSERT_LE(0, ro[i]);
		memset(&hm[i], 0, sizeof(hm[i]));
		hm[i].ctl = busy;
		hm[i].ro = ro[i];
		hm[i].removed = &removed;
		ASSERT_EQ(0, pthread_create(&hm[i].thread, NULL, hammer_fn,
					    &hm[i]));
	}
	/* Going on for a while, however late the host lets them start. */
	sleep_ns(100000000);
	EXPECT_TRUE(hammers_made(hm, 100, 10000));

	/* Unplugged, with everything going on. */
	ASSERT_EQ(0, sim_delete(BUSY_ID));
	ASSERT_EQ(0, sim_delete(SIM_ID));
	ASSERT_EQ(0, sim_delete(IDLE_ID));
	__atomic_store_n(&removed, 1, __ATOMIC_RELEASE);

	for (i = 0; i < NHAMMER; i++) {
		ASSERT_EQ(0, pthread_join(hm[i].thread, NULL));
		EXPECT_EQ(0, hm[i].bad_before) TH_LOG("hammer %d", i);
		EXPECT_EQ(0, hm[i].not_enodev) TH_LOG("hammer %d", i);
		EXPECT_LT(0, hm[i].calls);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(rd[i].thread, NULL));
		EXPECT_EQ(ENODEV, rd[i].err) TH_LOG("reader %d", i);
		EXPECT_LT(0, rd[i].records) TH_LOG("reader %d", i);
		/*
		 * The needle ended stopped, and nothing came after. A reader
		 * of the pen under the storm of ioctls may fall behind and
		 * lose the stop with other records: then an overflow record
		 * after its last state record counts them (nothing is lost
		 * silently), and is what it must see instead.
		 */
		EXPECT_EQ(PEN_EVENT_STATE, rd[i].last_state.type)
			TH_LOG("reader %d", i);
		if (!rd[i].lost_after_state) {
			EXPECT_EQ(PEN_STATE_STOPPED,
				  rd[i].last_state.state.state)
				TH_LOG("reader %d", i);
		} else {
			printf("# reader %d fell behind: %llu events lost after its last state record\n",
			       i, (unsigned long long)rd[i].lost_after_state);
		}
		EXPECT_EQ(0, rd[i].after_stop) TH_LOG("reader %d", i);
	}
	/* The one that was running stopped for the removal. */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(PEN_STOP_REMOVED, rd[i].last_state.state.stop_reason)
			TH_LOG("reader %d", i);
	EXPECT_EQ(POLLHUP | POLLERR, rd[1].revents & (POLLHUP | POLLERR));
	EXPECT_EQ(EPOLLHUP | EPOLLERR,
		  rd[2].revents & (EPOLLHUP | EPOLLERR));
	ASSERT_EQ(0, pthread_join(idle_thread, NULL));
	EXPECT_EQ(ENODEV, idle.err);
	EXPECT_EQ(0, idle.records);

	/* Gone for good: every call is ENODEV, poll a hang-up. */
	EXPECT_EQ(-1, ioctl(ctl, PEN_IOC_GET_STATUS, &st));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(ro[0], PEN_IOC_STOP));
	EXPECT_EQ(ENODEV, errno);
	{
		struct pollfd p = { .fd = ro[0], .events = POLLIN };

		EXPECT_EQ(1, poll(&p, 1, 0));
		EXPECT_EQ(POLLHUP | POLLERR, p.revents & (POLLHUP | POLLERR));
	}

	/*
	 * The open files keep the pen, and its number, until the last
	 * closes. The other two pens were made after it, so their numbers
	 * are higher: when it is freed, its number is the lowest free one.
	 */
	ASSERT_EQ(0, sim_create(LOOP_ID, NULL));
	other = sim_pen_index(LOOP_ID);
	EXPECT_NE(index, other);
	ASSERT_EQ(0, sim_delete(LOOP_ID));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, close(rd[i].fd));
	for (i = 0; i < NHAMMER; i++)
		EXPECT_EQ(0, close(ro[i]));
	EXPECT_EQ(0, close(busy));
	EXPECT_EQ(0, close(idle.fd));
	ASSERT_EQ(0, sim_create(LOOP_ID, NULL));
	EXPECT_NE(index, sim_pen_index(LOOP_ID));
	ASSERT_EQ(0, sim_delete(LOOP_ID));
	EXPECT_EQ(0, close(ctl));
	ASSERT_EQ(0, sim_create(LOOP_ID, NULL));
	EXPECT_EQ(index, sim_pen_index(LOOP_ID));
	ASSERT_EQ(0, sim_delete(LOOP_ID));
}

static unsigned int unplug_loops(void)
{
	const char *env = getenv("PEN_UNPLUG_LOOPS");

	return env ? strtoul(env, NULL, 0) : 10000;
}

/* Guest seconds: a pen costs about 0.1 s on the debug kernel. */
static int loops_timeout(void)
{
	return 60 + unplug_loops() / 5;
}

PEN_ID_FIXTURE(loop, LOOP_ID);

/*
 * Create and remove a pen over and over, in every configuration, some
 * with files open across the removal, some with the needle running or a
 * reader waiting, and count what is left.
 */
TEST_F_TIMEOUT(loop, create_and_remove_leaves_nothing_behind, loops_timeout())
{
	static const char * const opts[] = {
		"record_size=16",
		"record_size=16 buttons=0",
		"record_size=16 footswitch=1",
		"record_size=16 buttons=0 footswitch=1 cartridge_budget=0",
	};
	unsigned int loops = unplug_loops(), i, opened = 0, ran = 0;
	struct pen_traces before, after;
	int index, fd, ro;
	uint64_t t0;

	if (!loops)
		SKIP(return, "PEN_UNPLUG_LOOPS=0");
	sim_delete(LOOP_ID);
	before = pen_traces_now();
	ASSERT_EQ(0, sim_create(LOOP_ID, opts[0]));
	index = sim_pen_index(LOOP_ID);
	ASSERT_EQ(0, sim_delete(LOOP_ID));

	t0 = now_ns();
	for (i = 0; i < loops; i++) {
		ASSERT_EQ(0, sim_create(LOOP_ID, opts[i % 4])) TH_LOG("loop %u", i);
		fd = ro = -1;
		if (i % 8 == 1) {
			fd = sim_open(LOOP_ID, O_RDWR);
			ASSERT_LE(0, fd);
			opened++;
			if (i % 4 != 3) {	/* a cartridge to run on */
				ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
				ran++;
			}
		}
		if (i % 16 == 3) {
			ro = sim_open(LOOP_ID, O_RDONLY);
			ASSERT_LE(0, ro);
			opened++;
		}
		ASSERT_EQ(0, sim_delete(LOOP_ID)) TH_LOG("loop %u", i);
		if (fd >= 0)
			EXPECT_EQ(0, close(fd));
		if (ro >= 0)
			EXPECT_EQ(0, close(ro));
	}
	printf("# %u pens created and removed in %.1f s, %u with files open, %u of them running\n",
	       loops, (now_ns() - t0) / 1e9, opened, ran);

	after = pen_traces_now();
	EXPECT_TRUE(pen_traces_equal(&before, &after)) {
		pen_traces_print("before", &before);
		pen_traces_print("after", &after);
	}
	/* Every pen was freed: the first number is free again. */
	ASSERT_EQ(0, sim_create(LOOP_ID, opts[0]));
	EXPECT_EQ(index, sim_pen_index(LOOP_ID));
	ASSERT_EQ(0, sim_delete(LOOP_ID));
}

/* The modules, as this system loads them: sim_util.h. */
#define unload(name)	pen_module_unload(name)
#define loaded(name)	pen_module_loaded(name)
#define load(name)	pen_module_load(name, NULL)

/* Nothing of either module is left: no class, bus, node or debugfs. */
static void expect_all_gone(struct __test_metadata *_metadata)
{
	struct stat sb;

	EXPECT_FALSE(loaded("pen"));
	EXPECT_FALSE(loaded("pen_sim"));
	EXPECT_EQ(-1, stat("/sys/class/pen", &sb));
	EXPECT_EQ(-1, stat(SIM_BUS, &sb));
	EXPECT_EQ(-1, stat("/sys/kernel/debug/pen", &sb));
	EXPECT_EQ(-1, stat(SIM_DEBUGFS, &sb));
	EXPECT_EQ(0, dev_pen_count());
}

/* Both modules back, as at boot, and pen0 working. */
static void reload(struct __test_metadata *_metadata)
{
	struct pen_status st;
	int fd;

	if (!loaded("pen"))
		ASSERT_EQ(0, load("pen"));
	if (!loaded("pen_sim"))
		ASSERT_EQ(0, load("pen_sim"));
	fd = open("/dev/pen0", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	st = pen_wait_run_strokes(fd, 1, 10000);
	EXPECT_LT(0, st.run_strokes);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_STOP));
	close(fd);
}

/*
 * Module @name cannot go (EWOULDBLOCK) while @fd is open, and goes once
 * it is closed.
 */
static void expect_held_by(struct __test_metadata *_metadata,
			   const char *name, int fd)
{
	EXPECT_EQ(-EWOULDBLOCK, unload(name));
	EXPECT_TRUE(loaded(name));
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, unload(name));
}

/* pen_sim gone, pen.ko goes too, leaves nothing behind and comes back. */
static void expect_pen_unloads(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, unload("pen"));
	expect_all_gone(_metadata);
	reload(_metadata);
}

FIXTURE(modules) {
	int kunit_unloaded;
};

FIXTURE_SETUP(modules)
{
	/* They load and unload pen_sim.ko and use its pen0. */
	if (!pen_backend_is_sim())
		SKIP(return, "pen_sim's modules");
	/* pen_kunit.ko, if a test left it, would hold pen.ko too. */
	self->kunit_unloaded = loaded("pen_kunit") && !unload("pen_kunit");
}

FIXTURE_TEARDOWN(modules)
{
	if (!loaded("pen"))
		load("pen");
	if (!loaded("pen_sim"))
		load("pen_sim");
	if (self->kunit_unloaded)
		load("pen_kunit");
}

TEST_F(modules, pen_is_in_use_while_pen_sim_is_loaded)
{
	EXPECT_EQ(-EWOULDBLOCK, unload("pen"));
	EXPECT_TRUE(loaded("pen"));
	EXPECT_EQ(0, access("/dev/pen0", F_OK));
	ASSERT_EQ(0, unload("pen_sim"));
	expect_pen_unloads(_metadata);
}

TEST_F(modules, pen_is_in_use_while_a_file_of_a_removed_pen_is_open)
{
	int fd;

	fd = open("/dev/pen0", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PEN_IOC_START));
	/* pen_sim goes, and its pens with it: the file does not hold it. */
	ASSERT_EQ(0, unload("pen_sim"));
	EXPECT_EQ(-1, ioctl(fd, PEN_IOC_STOP));
	EXPECT_EQ(ENODEV, errno);
	expect_held_by(_metadata, "pen", fd);
	expect_all_gone(_metadata);
	reload(_metadata);
}

TEST_F(modules, pen_is_in_use_while_its_debugfs_is_open)
{
	int fd;

	fd = open("/sys/kernel/debug/pen/pen0/timing", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, unload("pen_sim"));
	expect_held_by(_metadata, "pen", fd);
	expect_all_gone(_metadata);
	reload(_metadata);
}

TEST_F(modules, pen_sim_is_in_use_only_while_its_debugfs_is_open)
{
	char path[128];
	int fd;

	fd = open(sim_debugfs_file(path, sizeof(path), 0, "state"),
		  O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	expect_held_by(_metadata, "pen_sim", fd);
	EXPECT_FALSE(loaded("pen_sim"));
	EXPECT_EQ(-1, access(SIM_BUS, F_OK));
	EXPECT_EQ(0, dev_pen_count());
	expect_pen_unloads(_metadata);
}

/*
 * The buttons' input device lives on while an evdev reader holds it,
 * after its pen, pen_sim and pen.ko are all gone; it must not call back
 * into an unloaded pen.ko when it finally goes.
 */
TEST_F(modules, an_evdev_reader_outlives_both_modules)
{
	char dir[128], node[64];
	struct input_event ie;
	int fd;

	ASSERT_EQ(1, sim_input_dir(0, dir, sizeof(dir)));
	ASSERT_EQ(1, input_event_node(dir, node, sizeof(node)));
	fd = open(node, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, unload("pen_sim"));
	ASSERT_EQ(0, unload("pen"));
	expect_all_gone(_metadata);
	EXPECT_EQ(-1, read(fd, &ie, sizeof(ie)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, close(fd));
	reload(_metadata);
}

TEST_HARNESS_MAIN
