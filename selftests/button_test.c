// SPDX-License-Identifier: GPL-2.0
/*
 * A pen's buttons and footswitch as an input device, read through evdev
 * with libevdev as any input client would: where the device is found, what
 * it says it is and can report, presses and releases in order with their
 * times, keys the pen lacks, the needle untouched by any of it, and the
 * device going away with its pen.
 *
 * The presses come from pen_sim's debugfs inject file, which reports them
 * the way a button's interrupt handler would (pen_report_button()).
 *
 * Where the build links libpen (PEN_TEST_LIBPEN: the project's own, not
 * the kselftest collection's), its buttons API is tested on them too.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <libevdev/libevdev.h>

#include "kselftest_harness.h"
#include "pen_util.h"
#include "pen_fixture.h"
#include "pen_proc.h"

#ifdef PEN_TEST_LIBPEN
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "libpen.h"
#endif

#define SIM_ID		1100	/* the fixtures' pen */
#define SIM_ID_B	1101	/* a second one */

/* The buttons a pen may have, as pen_sim names them. */
static const struct {
	const char *name;
	unsigned int code;
	uint32_t flag;		/* the PEN_INFO_* it comes with */
} buttons[] = {
	{ "main", PEN_KEY_MAIN, PEN_INFO_BUTTONS },
	{ "speed_up", PEN_KEY_SPEED_UP, PEN_INFO_BUTTONS },
	{ "speed_down", PEN_KEY_SPEED_DOWN, PEN_INFO_BUTTONS },
	{ "footswitch", PEN_KEY_FOOTSWITCH, PEN_INFO_FOOTSWITCH },
};

#define NBUTTONS	ARRAY_SIZE(buttons)

/* "press NAME" or "release NAME" on simulated pen @id. */
static int button(unsigned int id, int press, const char *name)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "%s %s", press ? "press" : "release", name);
	return sim_inject(id, cmd);
}

/*
 * An evdev reader of input node @node: 0 or -errno. Timestamps are asked
 * for in CLOCK_MONOTONIC, so that they compare with now_ns().
 */
static int reader_open(const char *node, int flags, int *fd,
		       struct libevdev **dev)
{
	int ret;

	*dev = NULL;
	*fd = open(node, O_RDONLY | O_CLOEXEC | flags);
	if (*fd < 0)
		return -errno;
	ret = libevdev_new_from_fd(*fd, dev);
	if (!ret)
		ret = libevdev_set_clock_id(*dev, CLOCK_MONOTONIC);
	if (ret) {
		libevdev_free(*dev);
		*dev = NULL;
		close(*fd);
		*fd = -1;
	}
	return ret;
}

static void reader_close(int *fd, struct libevdev **dev)
{
	libevdev_free(*dev);
	*dev = NULL;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The next event, without blocking on an O_NONBLOCK reader. */
static int next_event(struct libevdev *dev, struct input_event *ev)
{
	return libevdev_next_event(dev, LIBEVDEV_READ_FLAG_NORMAL, ev);
}

/* An event code's name, for the log. */
static const char *code_name(unsigned int type, unsigned int code)
{
	const char *name = libevdev_event_code_get_name(type, code);

	return name ? name : "?";
}

static uint64_t event_us(const struct input_event *ev)
{
	return ev->input_event_sec * 1000000ULL + ev->input_event_usec;
}

/*
 * The next two events of @dev are @code going to @value and the
 * SYN_REPORT that ends its packet, both stamped within [@t0_ns, @t1_ns]
 * (to the microsecond evdev keeps); the key's state follows. The stamp,
 * or 0 if the events are not there.
 */
static uint64_t expect_key(struct __test_metadata *_metadata,
			   struct libevdev *dev, unsigned int code, int value,
			   uint64_t t0_ns, uint64_t t1_ns)
{
	struct input_event ev;
	uint64_t us;
	int ret;

	ret = next_event(dev, &ev);
	EXPECT_EQ(LIBEVDEV_READ_STATUS_SUCCESS, ret)
		TH_LOG("no event for %s %d", code_name(EV_KEY, code), value);
	if (ret != LIBEVDEV_READ_STATUS_SUCCESS)
		return 0;
	EXPECT_EQ(EV_KEY, ev.type);
	EXPECT_EQ(code, ev.code)
		TH_LOG("%s, not %s", code_name(ev.type, ev.code),
		       code_name(EV_KEY, code));
	EXPECT_EQ(value, ev.value);
	us = event_us(&ev);
	EXPECT_LE(t0_ns / 1000, us);
	EXPECT_GE(t1_ns / 1000, us);
	EXPECT_EQ(value, libevdev_get_event_value(dev, EV_KEY, code));

	ret = next_event(dev, &ev);
	EXPECT_EQ(LIBEVDEV_READ_STATUS_SUCCESS, ret);
	if (ret != LIBEVDEV_READ_STATUS_SUCCESS)
		return 0;
	EXPECT_EQ(EV_SYN, ev.type);
	EXPECT_EQ(SYN_REPORT, ev.code);
	EXPECT_EQ(0, ev.value);
	EXPECT_EQ(us, event_us(&ev));
	return us;
}

/* Press or release @name on pen @id and see it on @dev, in its packet. */
static void button_seen(struct __test_metadata *_metadata, unsigned int id,
			struct libevdev *dev, int press, unsigned int i)
{
	uint64_t t0 = now_ns(), t1;

	ASSERT_EQ(0, button(id, press, buttons[i].name));
	t1 = now_ns();
	EXPECT_NE(0, expect_key(_metadata, dev, buttons[i].code, press, t0, t1));
}

/*
 * The handlers bound to the input device at sysfs @dir, as
 * /proc/bus/input/devices lists them ("event3"): 0 or -errno.
 */
static int input_handlers(const char *dir, char *out, size_t len)
{
	char real[PATH_MAX], sysfs[PATH_MAX] = "", line[PATH_MAX + 16];
	int ret = -ENOENT;
	size_t n;
	FILE *f;

	if (!realpath(dir, real))
		return -errno;
	f = fopen("/proc/bus/input/devices", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			sysfs[0] = '\0';
		} else if (!strncmp(line, "S: Sysfs=", 9)) {
			if (snprintf(sysfs, sizeof(sysfs), "/sys%s",
				     line + 9) >= (int)sizeof(sysfs))
				sysfs[0] = '\0';
		} else if (!strncmp(line, "H: Handlers=", 12) &&
			   !strcmp(sysfs, real)) {
			n = strlen(line);
			while (n > 12 && line[n - 1] == ' ')
				line[--n] = '\0';
			ret = snprintf(out, len, "%s", line + 12) < (int)len ?
			      0 : -ENAMETOOLONG;
		}
	}
	fclose(f);
	return ret;
}

/* The input device of every configuration pen_sim offers. */
FIXTURE(pen) {
	int fd;			/* /dev/penN, read-only, O_NONBLOCK */
	int pen;		/* N */
	int ninput;		/* input devices under /sys/class/pen/penN */
	char dir[PATH_MAX];	/* the input device's sysfs directory */
};

FIXTURE_VARIANT(pen) {
	const char *opts;	/* new_device keys */
	uint32_t flags;		/* the PEN_INFO_* it must report */
};

FIXTURE_VARIANT_ADD(pen, handpiece) {
	.opts = NULL,		/* the default */
	.flags = PEN_INFO_BUTTONS,
};

FIXTURE_VARIANT_ADD(pen, handpiece_and_footswitch) {
	.opts = "footswitch=1",
	.flags = PEN_INFO_BUTTONS | PEN_INFO_FOOTSWITCH,
};

FIXTURE_VARIANT_ADD(pen, footswitch_only) {
	.opts = "buttons=0 footswitch=1",
	.flags = PEN_INFO_FOOTSWITCH,
};

FIXTURE_VARIANT_ADD(pen, none) {
	.opts = "buttons=0",
	.flags = 0,
};

FIXTURE_SETUP(pen)
{
	pen_fixture_open(_metadata, &self->fd, SIM_ID, variant->opts,
			 O_RDONLY | O_NONBLOCK, 0, 0);
	self->pen = sim_pen_index(SIM_ID);
	ASSERT_LE(0, self->pen);
	self->ninput = sim_input_dir(SIM_ID, self->dir, sizeof(self->dir));
}

FIXTURE_TEARDOWN(pen)
{
	pen_fixture_close(self->fd, SIM_ID);
}

static int has_button(uint32_t flags, unsigned int i)
{
	return !!(flags & buttons[i].flag);
}

TEST_F(pen, identity_and_capabilities)
{
	char node[64], path[PATH_MAX + 16], want[64], handlers[128];
	unsigned int maj, min, code, type, i;
	struct libevdev *dev = NULL;
	struct pen_info info;
	struct stat sb;
	const char *s;
	int evfd, want_key;
	FILE *f;

	ASSERT_EQ(0, ioctl(self->fd, PEN_IOC_GET_INFO, &info));
	EXPECT_EQ(variant->flags, info.flags);
	if (!variant->flags) {
		/* No buttons, no input device. */
		EXPECT_EQ(0, self->ninput);
		return;
	}
	ASSERT_EQ(1, self->ninput);

	/* One evdev node, and /dev/input's is that one. */
	ASSERT_EQ(1, input_event_node(self->dir, node, sizeof(node)))
		TH_LOG("no evdev node under %s: is evdev loaded?", self->dir);
	ASSERT_GT(sizeof(path), snprintf(path, sizeof(path), "%s/%s/dev",
					 self->dir, node + 11));
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(2, fscanf(f, "%u:%u", &maj, &min));
	fclose(f);
	ASSERT_EQ(0, stat(node, &sb));
	EXPECT_TRUE(S_ISCHR(sb.st_mode));
	EXPECT_EQ(makedev(maj, min), sb.st_rdev);

	ASSERT_EQ(0, reader_open(node, O_NONBLOCK, &evfd, &dev));
	s = libevdev_get_name(dev);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("Microneedling pen buttons", s);
	s = libevdev_get_phys(dev);
	ASSERT_NE(NULL, s);
	snprintf(want, sizeof(want), "pen%d/input0", self->pen);
	EXPECT_STREQ(want, s);
	s = libevdev_get_uniq(dev);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ(info.serial, s);
	EXPECT_STREQ(sim_serial(SIM_ID, want, sizeof(want)), info.serial);
	EXPECT_EQ(BUS_HOST, libevdev_get_id_bustype(dev));

	/* Keys and nothing else: no autorepeat, no scan codes. */
	for (type = 0; type <= EV_MAX; type++) {
		EXPECT_EQ(type == EV_SYN || type == EV_KEY,
			  libevdev_has_event_type(dev, type))
			TH_LOG("event type %s", libevdev_event_type_get_name(type));
	}
	EXPECT_FALSE(libevdev_has_event_type(dev, EV_REP));
	for (code = 0; code <= KEY_MAX; code++) {
		want_key = 0;
		for (i = 0; i < NBUTTONS; i++)
			if (buttons[i].code == code)
				want_key = has_button(variant->flags, i);
		EXPECT_EQ(want_key, libevdev_has_event_code(dev, EV_KEY, code))
			TH_LOG("key %s (%u)", code_name(EV_KEY, code), code);
	}
	for (code = 0; code <= INPUT_PROP_MAX; code++) {
		EXPECT_FALSE(libevdev_has_property(dev, code))
			TH_LOG("property %u", code);
	}
	/* Nothing pressed yet. */
	for (i = 0; i < NBUTTONS; i++) {
		EXPECT_EQ(0, libevdev_get_event_value(dev, EV_KEY,
						      buttons[i].code))
			TH_LOG("%s", buttons[i].name);
	}

	/*
	 * Macro keys: no handler but evdev binds (not the console's
	 * keyboard, nor sysrq, rfkill or power keys).
	 */
	ASSERT_EQ(0, input_handlers(self->dir, handlers, sizeof(handlers)));
	EXPECT_STREQ(node + 11, handlers);

	reader_close(&evfd, &dev);
}

TEST_F(pen, presses_and_releases_arrive_in_order)
{
	struct {
		unsigned int i;
		int value;
		uint64_t t0, t1;
	} steps[2 * NBUTTONS];
	int state[NBUTTONS] = { 0 };
	struct libevdev *dev = NULL;
	struct input_event ev;
	unsigned int i, j, k, n = 0;
	uint64_t us, last = 0;
	char node[64];
	int evfd = -1;

	if (variant->flags) {
		ASSERT_EQ(1, self->ninput);
		ASSERT_EQ(1, input_event_node(self->dir, node, sizeof(node)))
			TH_LOG("no evdev node under %s: is evdev loaded?", self->dir);
		ASSERT_EQ(0, reader_open(node, O_NONBLOCK, &evfd, &dev));
	} else {
		EXPECT_EQ(0, self->ninput);
	}

	/* Every button the pen has down in turn, then up in reverse. */
	for (k = 0; k < 2 * NBUTTONS; k++) {
		int down = k < NBUTTONS;

		i = down ? k : 2 * NBUTTONS - 1 - k;
		if (!has_button(variant->flags, i))
			continue;
		steps[n].i = i;
		steps[n].value = down;
		steps[n].t0 = now_ns();
		ASSERT_EQ(0, button(SIM_ID, down, buttons[i].name));
		steps[n++].t1 = now_ns();
	}
	/* Those it lacks cannot be pressed. */
	for (i = 0; i < NBUTTONS; i++) {
		if (has_button(variant->flags, i))
			continue;
		EXPECT_EQ(-EINVAL, button(SIM_ID, 1, buttons[i].name))
			TH_LOG("press %s", buttons[i].name);
		EXPECT_EQ(-EINVAL, button(SIM_ID, 0, buttons[i].name))
			TH_LOG("release %s", buttons[i].name);
	}
	if (!dev)
		return;

	/* Read afterwards: one packet a step, in order, the state along. */
	for (j = 0; j < n; j++) {
		us = expect_key(_metadata, dev, buttons[steps[j].i].code,
				steps[j].value, steps[j].t0, steps[j].t1);
		ASSERT_NE(0, us)
			TH_LOG("step %u of %u", j, n);
		EXPECT_LE(last, us);
		last = us;
		state[steps[j].i] = steps[j].value;
		for (i = 0; i < NBUTTONS; i++) {
			EXPECT_EQ(state[i],
				  libevdev_get_event_value(dev, EV_KEY,
							   buttons[i].code))
				TH_LOG("step %u, %s", j, buttons[i].name);
		}
	}
	/* Nothing more: no repeats, nothing from the refused ones. */
	EXPECT_EQ(-EAGAIN, next_event(dev, &ev))
		TH_LOG("extra event %s %d", code_name(ev.type, ev.code),
		       ev.value);
	reader_close(&evfd, &dev);
}

/*
 * A pen with every button, with a reader of its event stream and one of
 * its input device, both opened before anything happens.
 */
FIXTURE(pedal) {
	int fd;			/* /dev/penN, read-only, O_NONBLOCK */
	int pen;
	char dir[PATH_MAX];
	char node[64];
	int evfd;		/* the input node, O_NONBLOCK */
	struct libevdev *dev;
};

FIXTURE_SETUP(pedal)
{
	self->evfd = -1;
	self->dev = NULL;
	pen_fixture_open(_metadata, &self->fd, SIM_ID, "footswitch=1",
			 O_RDONLY | O_NONBLOCK, 0, 0);
	self->pen = sim_pen_index(SIM_ID);
	ASSERT_LE(0, self->pen);
	ASSERT_EQ(1, sim_input_dir(SIM_ID, self->dir, sizeof(self->dir)));
	ASSERT_EQ(1, input_event_node(self->dir, self->node,
				      sizeof(self->node)))
		TH_LOG("no evdev node under %s: is evdev loaded?", self->dir);
	ASSERT_EQ(0, reader_open(self->node, O_NONBLOCK, &self->evfd,
				 &self->dev));
}

FIXTURE_TEARDOWN(pedal)
{
	reader_close(&self->evfd, &self->dev);
	pen_fixture_close(self->fd, SIM_ID);
}

TEST_F(pedal, footswitch_held_is_one_press_and_one_release)
{
	struct libevdev *late = NULL;
	struct input_event ev;
	uint64_t t0, t1;
	int late_fd = -1;
	unsigned int i;

	button_seen(_metadata, SIM_ID, self->dev, 1, 3);
	/* A reader opened while it is held finds it down. */
	ASSERT_EQ(0, reader_open(self->node, O_NONBLOCK, &late_fd, &late));
	for (i = 0; i < NBUTTONS; i++) {
		EXPECT_EQ(buttons[i].code == PEN_KEY_FOOTSWITCH,
			  libevdev_get_event_value(late, EV_KEY,
						   buttons[i].code))
			TH_LOG("%s", buttons[i].name);
	}
	EXPECT_EQ(-EAGAIN, next_event(late, &ev));

	/* Held well past any autorepeat delay, and "pressed" again: quiet. */
	sleep_ns(1000000000ULL);
	ASSERT_EQ(0, button(SIM_ID, 1, "footswitch"));
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev))
		TH_LOG("%s %d", code_name(ev.type, ev.code), ev.value);
	EXPECT_EQ(1, libevdev_get_event_value(self->dev, EV_KEY,
					      PEN_KEY_FOOTSWITCH));

	/* Let go: both readers see the one release. */
	t0 = now_ns();
	ASSERT_EQ(0, button(SIM_ID, 0, "footswitch"));
	t1 = now_ns();
	EXPECT_NE(0, expect_key(_metadata, self->dev, PEN_KEY_FOOTSWITCH, 0,
				t0, t1));
	EXPECT_NE(0, expect_key(_metadata, late, PEN_KEY_FOOTSWITCH, 0,
				t0, t1));
	ASSERT_EQ(0, button(SIM_ID, 0, "footswitch"));
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev));
	EXPECT_EQ(-EAGAIN, next_event(late, &ev));
	reader_close(&late_fd, &late);
}

/*
 * The pedal's contacts bounce, faster than pen_vcm's debounce (the test
 * bench's footswitch_bounce): held, it stays one press; let go, the
 * glitch is no press. Nothing reaches the input device.
 */
TEST_F(pedal, a_pedal_that_bounces_is_read_as_it_is)
{
	struct input_event ev;

	if (pen_backend_is_sim())
		SKIP(return, "pen_sim's buttons have no contacts to bounce");
	ASSERT_EQ(0, sim_inject(SIM_ID, "footswitch_bounce"));
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev))
		TH_LOG("%s %d", code_name(ev.type, ev.code), ev.value);
	EXPECT_EQ(0, libevdev_get_event_value(self->dev, EV_KEY,
					      PEN_KEY_FOOTSWITCH));

	button_seen(_metadata, SIM_ID, self->dev, 1, 3);
	ASSERT_EQ(0, sim_inject(SIM_ID, "footswitch_bounce"));
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev))
		TH_LOG("%s %d", code_name(ev.type, ev.code), ev.value);
	EXPECT_EQ(1, libevdev_get_event_value(self->dev, EV_KEY,
					      PEN_KEY_FOOTSWITCH));
	EXPECT_TRUE(pen_status_of(self->fd).flags & PEN_STATUS_PEDAL_DOWN);

	/* And the press and the release after it are each seen once. */
	button_seen(_metadata, SIM_ID, self->dev, 0, 3);
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev))
		TH_LOG("%s %d", code_name(ev.type, ev.code), ev.value);
}

TEST_F(pedal, unknown_buttons_are_einval)
{
	static const char * const bad[] = {
		"press turbo", "release turbo", "press Main", "press speed-up",
		"press footswitch2", "press", "release", "press 1",
		"hold main", "press  ", NULL,
	};
	struct input_event ev;
	uint64_t t0, t1;
	unsigned int i;

	for (i = 0; bad[i]; i++) {
		EXPECT_EQ(-EINVAL, sim_inject(SIM_ID, bad[i]))
			TH_LOG("\"%s\"", bad[i]);
	}
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev))
		TH_LOG("%s %d", code_name(ev.type, ev.code), ev.value);
	for (i = 0; i < NBUTTONS; i++) {
		EXPECT_EQ(0, libevdev_get_event_value(self->dev, EV_KEY,
						      buttons[i].code))
			TH_LOG("%s", buttons[i].name);
	}

	/* As a shell's echo writes it, with its newline. */
	t0 = now_ns();
	ASSERT_EQ(0, sim_inject(SIM_ID, "press main\n"));
	ASSERT_EQ(0, sim_inject(SIM_ID, "release main\n"));
	t1 = now_ns();
	EXPECT_NE(0, expect_key(_metadata, self->dev, PEN_KEY_MAIN, 1, t0, t1));
	EXPECT_NE(0, expect_key(_metadata, self->dev, PEN_KEY_MAIN, 0, t0, t1));
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev));
}

/* Every button down and up again, each seen on the input device. */
static void press_all(struct __test_metadata *_metadata, struct libevdev *dev)
{
	unsigned int i;

	for (i = 0; i < NBUTTONS; i++)
		button_seen(_metadata, SIM_ID, dev, 1, i);
	for (i = 0; i < NBUTTONS; i++)
		button_seen(_metadata, SIM_ID, dev, 0, i);
}

TEST_F(pedal, buttons_never_move_the_needle)
{
	struct pen_events evs = { 0 };
	struct pen_status st;
	struct input_event ev;
	size_t i, nstate = 0;
	int ctl;

	/* Nobody in control. */
	press_all(_metadata, self->dev);
	st = pen_status_of(self->fd);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_NONE, st.stop_reason);
	EXPECT_EQ(0, st.strokes);
	EXPECT_EQ(0, st.flags);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive"));
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
	EXPECT_EQ(0, pen_events_drain(self->fd, &evs));
	EXPECT_EQ(0, evs.n);

	/* A controller, stopped: its setpoints are the only event. */
	ctl = sim_open(SIM_ID, O_RDWR);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, pen_params_set(ctl, PEN_PARAM_ALL, 500, 100000));
	press_all(_metadata, self->dev);
	/* Held down, too: the main button and the pedal. */
	button_seen(_metadata, SIM_ID, self->dev, 1, 0);
	button_seen(_metadata, SIM_ID, self->dev, 1, 3);
	st = pen_status_of(ctl);
	EXPECT_EQ(PEN_STATE_STOPPED, st.state);
	EXPECT_EQ(PEN_STOP_NONE, st.stop_reason);
	EXPECT_EQ(0, st.strokes);
	EXPECT_EQ(0, sim_state(SIM_ID, "drive_enables"));
	button_seen(_metadata, SIM_ID, self->dev, 0, 3);
	button_seen(_metadata, SIM_ID, self->dev, 0, 0);
	EXPECT_EQ(0, pen_events_drain(self->fd, &evs));
	ASSERT_EQ(1, evs.n);
	EXPECT_EQ(PEN_EVENT_SETPOINT, evs.ev[0].type);

	/* Running: nothing stops it, the speed buttons change no rate. */
	ASSERT_EQ(0, ioctl(ctl, PEN_IOC_START));
	st = pen_status_of(ctl);
	while (st.state == PEN_STATE_RUNNING && st.run_strokes < 5) {
		sleep_ns(5000000);
		st = pen_status_of(ctl);
	}
	ASSERT_EQ(PEN_STATE_RUNNING, st.state);
	press_all(_metadata, self->dev);
	st = pen_status_of(ctl);
	EXPECT_EQ(PEN_STATE_RUNNING, st.state);
	EXPECT_EQ(500, st.depth_um);
	EXPECT_EQ(100000, st.rate_mhz);
	ASSERT_EQ(0, ioctl(ctl, PEN_IOC_STOP));
	EXPECT_EQ(1, sim_state(SIM_ID, "drive_enables"));

	ASSERT_EQ(0, pen_events_drain(self->fd, &evs));
	EXPECT_EQ(1, pen_events_count(&evs, PEN_EVENT_SETPOINT));
	EXPECT_EQ(0, pen_events_count(&evs, PEN_EVENT_FAULT));
	for (i = 1; i < evs.n; i++) {
		const struct pen_event *e = &evs.ev[i];

		if (e->type == PEN_EVENT_STATE) {
			nstate++;
			EXPECT_EQ(nstate == 1 ? PEN_STATE_RUNNING :
				  PEN_STATE_STOPPED, e->state.state);
			EXPECT_EQ(nstate == 1 ? PEN_STOP_NONE :
				  PEN_STOP_REQUEST, e->state.stop_reason);
		} else {
			ASSERT_EQ(PEN_EVENT_STROKE, e->type)
				TH_LOG("record %zu: %s", i,
				       pen_event_name(e->type));
			EXPECT_EQ(500, e->stroke.cmd_um);
			EXPECT_EQ(100000, e->stroke.rate_mhz);
		}
	}
	EXPECT_EQ(2, nstate);
	EXPECT_EQ(PEN_EVENT_STATE, evs.ev[evs.n - 1].type);
	/* And the input device has nothing left over. */
	EXPECT_EQ(-EAGAIN, next_event(self->dev, &ev));
	close(ctl);
	pen_events_free(&evs);
}

/* A thread blocked in libevdev_next_event() until it fails. */
struct blocked_reader {
	struct libevdev *dev;
	pid_t tid;		/* atomic: set once it runs */
	struct input_event ev[8];	/* the first events it read */
	int events;		/* how many it read */
	int ret;		/* what ended it */
};

static void *blocked_reader_fn(void *arg)
{
	struct blocked_reader *r = arg;
	struct input_event ev;
	int ret;

	__atomic_store_n(&r->tid, syscall(SYS_gettid), __ATOMIC_RELEASE);
	while ((ret = next_event(r->dev, &ev)) >= 0)
		if (r->events++ < 8)
			r->ev[r->events - 1] = ev;
	r->ret = ret;
	return NULL;
}

TEST_F(pedal, removal_ends_every_reader)
{
	struct blocked_reader br = { 0 };
	struct pollfd p = { .events = POLLIN };
	char path[64], dir[PATH_MAX], node[64];
	struct libevdev *dev = NULL;
	struct input_event ev;
	struct stat sb;
	pthread_t thread;
	int blkfd, fd, i;
	pid_t tid;

	/* A key held as the pen goes, and a reader asleep in read(). */
	button_seen(_metadata, SIM_ID, self->dev, 1, 0);
	ASSERT_EQ(0, reader_open(self->node, 0, &blkfd, &br.dev));
	ASSERT_EQ(0, pthread_create(&thread, NULL, blocked_reader_fn, &br));
	while (!(tid = __atomic_load_n(&br.tid, __ATOMIC_ACQUIRE)))
		sleep_ns(1000000);
	for (i = 0; i < 10000 && thread_state(tid) != 'S'; i++)
		sleep_ns(1000000);
	ASSERT_EQ('S', thread_state(tid));

	ASSERT_EQ(0, sim_delete(SIM_ID));
	/* Woken, with ENODEV; a hang here is the harness's timeout. */
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(-ENODEV, br.ret);
	/*
	 * The input core lets go of held keys as the device goes: a reader
	 * woken by that may read the release before it learns of the
	 * removal, or learn of the removal first.
	 */
	if (br.events) {
		ASSERT_EQ(2, br.events);
		EXPECT_EQ(EV_KEY, br.ev[0].type);
		EXPECT_EQ(PEN_KEY_MAIN, br.ev[0].code);
		EXPECT_EQ(0, br.ev[0].value);
		EXPECT_EQ(EV_SYN, br.ev[1].type);
		EXPECT_EQ(SYN_REPORT, br.ev[1].code);
	}

	p.fd = self->evfd;
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, p.revents & (POLLHUP | POLLERR));
	EXPECT_EQ(-ENODEV, next_event(self->dev, &ev));
	EXPECT_EQ(-ENODEV, next_event(self->dev, &ev));

	/* Its node and its pen are gone. */
	EXPECT_EQ(-1, stat(self->node, &sb));
	EXPECT_EQ(ENOENT, errno);
	snprintf(path, sizeof(path), "/sys/class/pen/pen%d", self->pen);
	EXPECT_EQ(-1, stat(path, &sb));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, stat(self->dir, &sb));
	EXPECT_EQ(ENOENT, errno);
	reader_close(&blkfd, &br.dev);
	reader_close(&self->evfd, &self->dev);

	/* A new pen in its place has buttons that work. */
	ASSERT_EQ(0, sim_create(SIM_ID, NULL));
	ASSERT_EQ(1, sim_input_dir(SIM_ID, dir, sizeof(dir)));
	ASSERT_EQ(1, input_event_node(dir, node, sizeof(node)));
	ASSERT_EQ(0, reader_open(node, O_NONBLOCK, &fd, &dev));
	EXPECT_EQ(0, libevdev_get_event_value(dev, EV_KEY, PEN_KEY_MAIN));
	button_seen(_metadata, SIM_ID, dev, 1, 0);
	button_seen(_metadata, SIM_ID, dev, 0, 0);
	EXPECT_EQ(-EAGAIN, next_event(dev, &ev));
	reader_close(&fd, &dev);
}

TEST(bad_button_keys_are_refused)
{
	static const char * const bad[] = {
		"buttons=2", "footswitch=7", "buttons=-1", "footswitch=yes",
		"buttons=", "buttons=0 footswitch=2",
	};
	unsigned int i;

	sim_delete(SIM_ID);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, sim_create(SIM_ID, bad[i]))
			TH_LOG("%s", bad[i]);
		EXPECT_EQ(-ENOENT, sim_pen_index(SIM_ID));
	}
	/* The same keys with good values make a pen. */
	ASSERT_EQ(0, sim_create(SIM_ID, "buttons=1 footswitch=0"));
	EXPECT_EQ(0, sim_delete(SIM_ID));
}

TEST(two_pens_have_their_own_buttons)
{
	char dir[2][PATH_MAX], node[2][64];
	struct libevdev *dev[2] = { NULL, NULL };
	int fd[2] = { -1, -1 };
	unsigned int id[2] = { SIM_ID, SIM_ID_B };
	struct input_event ev;
	int k;

	for (k = 0; k < 2; k++) {
		sim_delete(id[k]);
		ASSERT_EQ(0, sim_create(id[k], "footswitch=1"));
	}
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(1, sim_input_dir(id[k], dir[k], sizeof(dir[k])));
		ASSERT_EQ(1, input_event_node(dir[k], node[k],
					      sizeof(node[k])));
		ASSERT_EQ(0, reader_open(node[k], O_NONBLOCK, &fd[k],
					 &dev[k]));
	}
	EXPECT_STRNE(node[0], node[1]);
	EXPECT_STRNE(libevdev_get_phys(dev[0]), libevdev_get_phys(dev[1]));
	EXPECT_STRNE(libevdev_get_uniq(dev[0]), libevdev_get_uniq(dev[1]));

	/* Each pen's presses on its own device only. */
	for (k = 0; k < 2; k++) {
		button_seen(_metadata, id[k], dev[k], 1, 3 * k);
		EXPECT_EQ(-EAGAIN, next_event(dev[!k], &ev));
		EXPECT_EQ(0, libevdev_get_event_value(dev[!k], EV_KEY,
						      buttons[3 * k].code));
	}
	for (k = 0; k < 2; k++) {
		button_seen(_metadata, id[k], dev[k], 0, 3 * k);
		EXPECT_EQ(-EAGAIN, next_event(dev[!k], &ev));
	}
	for (k = 0; k < 2; k++) {
		reader_close(&fd[k], &dev[k]);
		EXPECT_EQ(0, sim_delete(id[k]));
	}
}

#ifdef PEN_TEST_LIBPEN
/*
 * The same devices through libpen's buttons API (pen_buttons_open() and
 * the rest), as a program uses them: how it finds the input device from
 * sysfs and what it refuses there, waiting, reading, overflow and
 * removal. A fake sysfs is a tmpfs over /sys/class/pen in a mount
 * namespace of a child's own, so that the system's is never touched.
 */

/* The lowest descriptor free: what the next open() would take. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * Runs @fn(@arg) in a child that ends with exit(). The coverage build's
 * libpen writes its counters from its destructor, at exit(), and the
 * harness ends the processes of its tests with _exit(): so each test of
 * libpen does its work in such a child. A failed check reaches the
 * harness through _metadata, which its processes share; a failed
 * assertion ends the child as it would have ended the test's process.
 */
static void libpen_child(struct __test_metadata *_metadata,
			 void (*fn)(struct __test_metadata *, void *),
			 void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fn(_metadata, arg);
		fflush(NULL);
		exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
}

/* What a fake sysfs tree is made of: the real names and numbers. */
struct real_tree {
	char pen[32];		/* "penN" */
	char pen_dev[32];	/* its dev attribute, "MAJ:MIN\n" */
	char input[32];		/* "inputM" */
	char event[32];		/* "eventK" */
	char event_dev[32];	/* eventK/dev */
};

/* Simulated pen @id's names and numbers, from sysfs: 0 or -errno. */
static int real_tree_of(unsigned int id, struct real_tree *t)
{
	char dir[PATH_MAX], node[64], path[PATH_MAX + 64];
	int pen = sim_pen_index(id), ret;

	if (pen < 0)
		return pen;
	snprintf(t->pen, sizeof(t->pen), "pen%d", pen);
	snprintf(path, sizeof(path), "/sys/class/pen/%s/dev", t->pen);
	ret = pen_read_file(path, t->pen_dev, sizeof(t->pen_dev));
	if (ret)
		return ret;
	if (sim_input_dir(id, dir, sizeof(dir)) != 1 ||
	    input_event_node(dir, node, sizeof(node)) != 1)
		return -ENODEV;
	if (snprintf(t->input, sizeof(t->input), "%s",
		     strrchr(dir, '/') + 1) >= (int)sizeof(t->input) ||
	    snprintf(t->event, sizeof(t->event), "%s",
		     node + 11) >= (int)sizeof(t->event))
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "%s/%s/dev", dir, t->event);
	return pen_read_file(path, t->event_dev, sizeof(t->event_dev));
}

/* What replaces /dev/input in a fake tree's namespace. */
enum fake_dev_input {
	DEV_INPUT_REAL,		/* the system's */
	DEV_INPUT_EMPTY,	/* an empty directory */
	DEV_INPUT_FILE,		/* eventK a regular file */
	DEV_INPUT_NULL,		/* eventK a node of /dev/null's numbers */
};

/*
 * A fake /sys/class/pen: each entry "PATH=TEXT" is a file (TEXT may be
 * empty), "PATH/" a directory, parents first. In PATH and TEXT, {N} is
 * the pen's name, {P} its dev attribute and {p} that without its
 * newline, {I} the input device's directory, {E} the event device's,
 * {D} its dev attribute.
 */
struct fake_case {
	const char *what;
	const char *entries[8];
	enum fake_dev_input dev_input;
	int err;		/* pen_buttons_open()'s errno, 0: it opens */
};

#define REAL_PEN	"{N}/", "{N}/dev={P}"
#define REAL_INPUT	REAL_PEN, "{N}/{I}/", "{N}/{I}/{E}/"
#define REAL_TREE	REAL_INPUT, "{N}/{I}/{E}/dev={D}"

static const struct fake_case fake_cases[] = {
	{ "no directory for the pen", { "pen/", "{N}x/", "{N}x/dev={P}" },
	  DEV_INPUT_REAL, ENODEV },
	/* The pen removed as libpen looks: its attributes go with it. */
	{ "no dev", { "{N}/" }, DEV_INPUT_REAL, ENODEV },
	{ "no dev for eventK", { REAL_INPUT }, DEV_INPUT_REAL, ENODEV },
	{ "dev a directory", { "{N}/", "{N}/dev/" }, DEV_INPUT_REAL, ENODEV },
	{ "dev empty", { "{N}/", "{N}/dev=" }, DEV_INPUT_REAL, ENODEV },
	{ "dev not numbers", { "{N}/", "{N}/dev=x:y\n" },
	  DEV_INPUT_REAL, ENODEV },
	{ "dev without its newline", { "{N}/", "{N}/dev={p}" },
	  DEV_INPUT_REAL, ENODEV },
	{ "dev with a space for its newline", { "{N}/", "{N}/dev={p} \n" },
	  DEV_INPUT_REAL, ENODEV },
	{ "dev another device's (/dev/null's)", { "{N}/", "{N}/dev=1:3\n" },
	  DEV_INPUT_REAL, ENODEV },
	{ "no inputM, only names like it, or too long",
	  { REAL_PEN, "{N}/input/", "{N}/inputs/", "{N}/input1x/",
	    "{N}/input-1/", "{N}/event0/",
	    "{N}/input" "0123456789" "0123456789" "0123456789" "0123456789"
	    "0123456789" "0123456789" "/" },
	  DEV_INPUT_REAL, ENODEV },
	{ "inputM a file", { REAL_PEN, "{N}/{I}=" }, DEV_INPUT_REAL, ENOTDIR },
	{ "no eventK: no evdev",
	  { REAL_PEN, "{N}/{I}/", "{N}/{I}/event/", "{N}/{I}/eventx/",
	    "{N}/{I}/capabilities/" },
	  DEV_INPUT_REAL, ENXIO },
	{ "eventK's dev a directory", { REAL_INPUT, "{N}/{I}/{E}/dev/" },
	  DEV_INPUT_REAL, ENODEV },
	{ "eventK's dev not numbers", { REAL_INPUT, "{N}/{I}/{E}/dev=13\n" },
	  DEV_INPUT_REAL, ENODEV },
	{ "no such /dev/input node",
	  { REAL_PEN, "{N}/{I}/", "{N}/{I}/event999999/",
	    "{N}/{I}/event999999/dev={D}" },
	  DEV_INPUT_REAL, ENOENT },
	{ "the node another device than eventK's dev says",
	  { REAL_INPUT, "{N}/{I}/{E}/dev=13:1023\n" },
	  DEV_INPUT_REAL, ENODEV },
	{ "the real tree, copied", { REAL_TREE }, DEV_INPUT_REAL, 0 },
	{ "/dev/input empty", { REAL_TREE }, DEV_INPUT_EMPTY, ENOENT },
	{ "/dev/input/eventK a regular file", { REAL_TREE },
	  DEV_INPUT_FILE, ENODEV },
	{ "eventK a character device but no input device",
	  { REAL_INPUT, "{N}/{I}/{E}/dev=1:3\n" }, DEV_INPUT_NULL, ENOTTY },
};

/* @in with the {X} of struct fake_case replaced, into @out. */
static int fake_expand(const char *in, const struct real_tree *t,
		       char *out, size_t len)
{
	size_t n = 0, k;
	const char *v;
	char p[32];

	snprintf(p, sizeof(p), "%.*s", (int)strcspn(t->pen_dev, "\n"),
		 t->pen_dev);
	for (; *in; in++) {
		v = NULL;
		if (in[0] == '{' && in[1] && in[2] == '}') {
			switch (in[1]) {
			case 'N': v = t->pen; break;
			case 'P': v = t->pen_dev; break;
			case 'p': v = p; break;
			case 'I': v = t->input; break;
			case 'E': v = t->event; break;
			case 'D': v = t->event_dev; break;
			}
		}
		if (v) {
			k = strlen(v);
			in += 2;
		} else {
			v = in;
			k = 1;
		}
		if (n + k >= len)
			return -ENAMETOOLONG;
		memcpy(out + n, v, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

/* The child's exit codes besides an errno. */
#define FAKE_SETUP_FAILED	250	/* the namespace or the tree */
#define FAKE_LEAKED		251	/* a descriptor left open */
#define FAKE_WRONG_NODE		252	/* opened, but not the device meant */

/* Makes the fake tree of @c in this process's own mount namespace. */
static int fake_setup(const struct fake_case *c,
		      const struct real_tree *dev_of)
{
	char rel[PATH_MAX], path[PATH_MAX + 32], text[PATH_MAX];
	unsigned int i;
	const char *eq;
	size_t k;
	int fd;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/sys/class/pen", "tmpfs", 0, "mode=0755"))
		return -errno;
	for (i = 0; i < ARRAY_SIZE(c->entries) && c->entries[i]; i++) {
		eq = strchr(c->entries[i], '=');
		k = eq ? (size_t)(eq - c->entries[i]) : strlen(c->entries[i]);
		snprintf(text, sizeof(text), "%.*s", (int)k, c->entries[i]);
		if (fake_expand(text, dev_of, rel, sizeof(rel)))
			return -ENAMETOOLONG;
		snprintf(path, sizeof(path), "/sys/class/pen/%s", rel);
		if (!eq) {
			if (mkdir(path, 0755))
				return -errno;
			continue;
		}
		if (fake_expand(eq + 1, dev_of, text, sizeof(text)))
			return -ENAMETOOLONG;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		k = strlen(text);
		if (write(fd, text, k) != (ssize_t)k) {
			close(fd);
			return -EIO;
		}
		close(fd);
	}
	if (c->dev_input == DEV_INPUT_REAL)
		return 0;
	if (mount("tmpfs", "/dev/input", "tmpfs", 0, "mode=0755"))
		return -errno;
	snprintf(path, sizeof(path), "/dev/input/%s", dev_of->event);
	if (c->dev_input == DEV_INPUT_FILE) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		close(fd);
	} else if (c->dev_input == DEV_INPUT_NULL) {
		if (mknod(path, S_IFCHR | 0644, makedev(1, 3)))
			return -errno;
	}
	return 0;
}

/*
 * pen_buttons_open() on the pen of @t with the fake sysfs of @c, the
 * pen's own names and numbers from @t, the input device's from @dev_of
 * (another pen's, or @t): in a child, which exits with the errno, 0 if it
 * opened the event node @dev_of names, or FAKE_*.
 */
static int fake_open(const struct fake_case *c, const struct real_tree *t,
		     const struct real_tree *dev_of)
{
	struct real_tree mixed = *dev_of;
	struct pen_buttons *b;
	unsigned int maj, min;
	struct pen *pen;
	struct stat sb;
	int status, low, ret, err;
	char path[64];
	pid_t pid;

	memcpy(mixed.pen, t->pen, sizeof(mixed.pen));
	memcpy(mixed.pen_dev, t->pen_dev, sizeof(mixed.pen_dev));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		snprintf(path, sizeof(path), "/dev/%s", t->pen);
		pen = pen_open(path, 0);
		ret = fake_setup(c, &mixed);
		if (!pen || ret) {
			fprintf(stderr, "# %s: setup: %s\n", c->what,
				strerror(pen ? -ret : errno));
			exit(FAKE_SETUP_FAILED);
		}
		low = lowest_free_fd();
		b = pen_buttons_open(pen);
		err = b ? 0 : errno;
		if (b) {
			/* The node of the numbers eventK's dev gives. */
			if (sscanf(mixed.event_dev, "%u:%u", &maj, &min) != 2 ||
			    fstat(pen_buttons_fd(b), &sb) ||
			    sb.st_rdev != makedev(maj, min) ||
			    pen_buttons_has(b, PEN_KEY_MAIN) != 1)
				err = FAKE_WRONG_NODE;
			pen_buttons_close(b);
		}
		if (lowest_free_fd() != low)
			err = FAKE_LEAKED;
		pen_close(pen);
		/* exit(), not _exit(): see libpen_child(). */
		exit(err);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

/* A pen with every button, open through libpen read-only. */
FIXTURE(lib) {
	int fd;			/* the fixture's own descriptor of it */
	struct pen *pen;
	struct real_tree tree;
};

FIXTURE_SETUP(lib)
{
	char path[64];

	self->pen = NULL;
	pen_fixture_open(_metadata, &self->fd, SIM_ID, "footswitch=1",
			 O_RDONLY | O_NONBLOCK, 0, 0);
	ASSERT_EQ(0, real_tree_of(SIM_ID, &self->tree));
	snprintf(path, sizeof(path), "/dev/%s", self->tree.pen);
	self->pen = pen_open(path, 0);
	ASSERT_NE(NULL, self->pen);
}

FIXTURE_TEARDOWN(lib)
{
	pen_close(self->pen);
	pen_fixture_close(self->fd, SIM_ID);
}

TEST_F(lib, sysfs_is_checked_before_the_node_is_opened)
{
	const struct fake_case *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fake_cases); i++) {
		c = &fake_cases[i];
		EXPECT_EQ(c->err, fake_open(c, &self->tree, &self->tree))
			TH_LOG("%s: want %s", c->what, strerror(c->err));
	}
}

static void lib_emfile(struct __test_metadata *_metadata, void *arg)
{
	FIXTURE_DATA(lib) *self = arg;
	struct pen_buttons *b;
	struct rlimit old, lim;
	int low, spare, err;

	/* Three to spare open it: the class, input and event directories. */
	low = lowest_free_fd();
	ASSERT_LE(0, low);
	for (spare = 1; spare <= 3; spare++)
		ASSERT_EQ(-1, fcntl(low + spare, F_GETFD));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	for (spare = 0; spare <= 3; spare++) {
		lim = old;
		lim.rlim_cur = low + spare;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
		b = pen_buttons_open(self->pen);
		err = errno;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
		/* Whatever it opened on the way is closed again. */
		EXPECT_EQ(low, lowest_free_fd())
			TH_LOG("%d to spare", spare);
		if (spare < 3) {
			EXPECT_EQ(NULL, b);
			EXPECT_EQ(EMFILE, err)
				TH_LOG("%d to spare: %s", spare, strerror(err));
			continue;
		}
		ASSERT_NE(NULL, b);
		EXPECT_EQ(1, pen_buttons_has(b, PEN_KEY_FOOTSWITCH));
		pen_buttons_close(b);
		EXPECT_EQ(low, lowest_free_fd());
	}
}

TEST_F(lib, no_descriptor_to_spare_is_emfile)
{
	libpen_child(_metadata, lib_emfile, self);
}

static void lib_wait_read(struct __test_metadata *_metadata, void *arg)
{
	FIXTURE_DATA(lib) *self = arg;
	struct pollfd p = { .events = POLLIN };
	struct pen_button_event ev;
	struct pen_buttons *b;
	uint64_t t0, t1;

	b = pen_buttons_open(self->pen);
	ASSERT_NE(NULL, b);
	/* Nothing yet: 0 at once, and 0 once the time is up, not before. */
	EXPECT_EQ(0, pen_buttons_wait(b, 0));
	t0 = now_ns();
	EXPECT_EQ(0, pen_buttons_wait(b, 20000000));
	EXPECT_LE(t0 + 20000000, now_ns());
	EXPECT_EQ(0, pen_buttons_read(b, &ev));

	/* A press and its release: ready, even for a wait without end. */
	t0 = now_ns();
	ASSERT_EQ(0, button(SIM_ID, 1, "main"));
	ASSERT_EQ(0, button(SIM_ID, 0, "main"));
	t1 = now_ns();
	EXPECT_EQ(1, pen_buttons_wait(b, -1));
	ASSERT_EQ(1, pen_buttons_read(b, &ev));
	EXPECT_EQ(PEN_KEY_MAIN, ev.key);
	EXPECT_EQ(1, ev.pressed);
	EXPECT_EQ(0, ev.flags);
	EXPECT_LE(t0 / 1000 * 1000, ev.timestamp_ns);
	EXPECT_GE(t1, ev.timestamp_ns);
	EXPECT_EQ(1, pen_buttons_is_pressed(b, PEN_KEY_MAIN));

	/*
	 * The release was read ahead with the press: the descriptor is
	 * quiet, and the handle still says it is ready.
	 */
	p.fd = pen_buttons_fd(b);
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(1, pen_buttons_wait(b, 0));
	ASSERT_EQ(1, pen_buttons_read(b, &ev));
	EXPECT_EQ(PEN_KEY_MAIN, ev.key);
	EXPECT_EQ(0, ev.pressed);
	EXPECT_EQ(0, ev.flags);
	EXPECT_EQ(0, pen_buttons_is_pressed(b, PEN_KEY_MAIN));
	EXPECT_EQ(0, pen_buttons_read(b, &ev));
	EXPECT_EQ(0, pen_buttons_wait(b, 0));
	pen_buttons_close(b);
}

TEST_F(lib, wait_then_read_presses_in_order)
{
	libpen_child(_metadata, lib_wait_read, self);
}

static void lib_overflow(struct __test_metadata *_metadata, void *arg)
{
	FIXTURE_DATA(lib) *self = arg;
	struct pen_button_event ev;
	struct pen_buttons *b;
	int i, ret, pedal = 0;

	b = pen_buttons_open(self->pen);
	ASSERT_NE(NULL, b);
	/* Far more than the kernel's buffer holds, then the pedal down. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, button(SIM_ID, 1, "main"));
		ASSERT_EQ(0, button(SIM_ID, 0, "main"));
	}
	ASSERT_EQ(0, button(SIM_ID, 1, "footswitch"));

	ASSERT_EQ(1, pen_buttons_read(b, &ev));
	EXPECT_EQ(PEN_BUTTON_EVENT_OVERFLOW, ev.flags);
	EXPECT_EQ(0, ev.key);
	EXPECT_EQ(0, ev.pressed);
	/* The resync is still to be read: ready without looking further. */
	EXPECT_EQ(1, pen_buttons_wait(b, 0));
	for (i = 0; i < 1000 && (ret = pen_buttons_read(b, &ev)) == 1; i++) {
		EXPECT_EQ(0, ev.flags & PEN_BUTTON_EVENT_OVERFLOW);
		if (ev.key == PEN_KEY_FOOTSWITCH)
			pedal = ev.pressed;
	}
	EXPECT_EQ(0, ret);
	/* The pedal held meanwhile was not missed. */
	EXPECT_EQ(1, pedal);
	EXPECT_EQ(1, pen_buttons_is_pressed(b, PEN_KEY_FOOTSWITCH));
	EXPECT_EQ(0, pen_buttons_is_pressed(b, PEN_KEY_MAIN));
	EXPECT_EQ(0, pen_buttons_wait(b, 0));
	pen_buttons_close(b);
}

TEST_F(lib, after_an_overflow_wait_is_ready_at_once)
{
	libpen_child(_metadata, lib_overflow, self);
}

static void lib_removal(struct __test_metadata *_metadata, void *arg)
{
	FIXTURE_DATA(lib) *self = arg;
	struct pen_button_event ev;
	struct pen_buttons *b;

	b = pen_buttons_open(self->pen);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, button(SIM_ID, 1, "main"));
	ASSERT_EQ(0, sim_delete(SIM_ID));
	/* A hangup is "ready", so that the read learns of it... */
	EXPECT_EQ(1, pen_buttons_wait(b, -1));
	/* ... which fails, the press not yet read lost with the device. */
	EXPECT_EQ(-1, pen_buttons_read(b, &ev));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, pen_buttons_read(b, &ev));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(1, pen_buttons_wait(b, 0));
	pen_buttons_close(b);
	/* And a pen gone is not opened again. */
	errno = 0;
	EXPECT_EQ(NULL, pen_buttons_open(self->pen));
	EXPECT_EQ(ENODEV, errno);
}

TEST_F(lib, removal_is_ready_and_enodev)
{
	libpen_child(_metadata, lib_removal, self);
}

static void lib_closed(struct __test_metadata *_metadata, void *arg)
{
	FIXTURE_DATA(lib) *self = arg;
	struct pen_buttons *b;

	b = pen_buttons_open(self->pen);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, button(SIM_ID, 1, "main"));
	/* Closed behind the handle's back, with a press waiting or not. */
	ASSERT_EQ(0, close(pen_buttons_fd(b)));
	EXPECT_EQ(-1, pen_buttons_wait(b, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, pen_buttons_wait(b, -1));
	EXPECT_EQ(EBADF, errno);
	pen_buttons_close(b);
}

TEST_F(lib, a_descriptor_closed_behind_its_back_is_ebadf)
{
	libpen_child(_metadata, lib_closed, self);
}

/* Pen N with the flags it has, for pen_has_the_flags(). */
struct pen_and_flags {
	int pen;
	uint32_t flags;
};

static void pen_has_the_flags(struct __test_metadata *_metadata, void *arg)
{
	const struct pen_and_flags *variant = arg;
	struct pen_buttons *b;
	struct pen *pen;
	char path[64];
	unsigned int i;

	snprintf(path, sizeof(path), "/dev/pen%d", variant->pen);
	pen = pen_open(path, 0);
	ASSERT_NE(NULL, pen);
	b = pen_buttons_open(pen);
	if (!variant->flags) {
		EXPECT_EQ(NULL, b);
		EXPECT_EQ(ENOTSUP, errno);
		pen_close(pen);
		return;
	}
	ASSERT_NE(NULL, b);
	for (i = 0; i < NBUTTONS; i++) {
		EXPECT_EQ(has_button(variant->flags, i),
			  pen_buttons_has(b, buttons[i].code))
			TH_LOG("%s", buttons[i].name);
		errno = 0;
		EXPECT_EQ(has_button(variant->flags, i) ? 0 : -1,
			  pen_buttons_is_pressed(b, buttons[i].code))
			TH_LOG("%s", buttons[i].name);
		EXPECT_EQ(has_button(variant->flags, i) ? 0 : ENOTSUP, errno)
			TH_LOG("%s", buttons[i].name);
	}
	/* Keys that are no pen's. */
	EXPECT_EQ(-1, pen_buttons_has(b, KEY_A));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pen_buttons_is_pressed(b, 0));
	EXPECT_EQ(EINVAL, errno);
	/* The handle outlives the pen's. */
	pen_close(pen);
	EXPECT_EQ(0, pen_buttons_wait(b, 0));
	pen_buttons_close(b);
}

TEST_F(pen, libpen_has_the_buttons_its_flags_say)
{
	struct pen_and_flags pf = { self->pen, variant->flags };

	libpen_child(_metadata, pen_has_the_flags, &pf);
}

/* Pen @id made anew with @opts, its names and numbers read: 0 or -errno. */
static int other_pen(unsigned int id, const char *opts, struct real_tree *t)
{
	int ret;

	sim_delete(id);
	ret = sim_create(id, opts);
	return ret ? ret : real_tree_of(id, t);
}

TEST(keys_the_flags_promise_are_checked)
{
	static const char * const other[] = { NULL, "buttons=0 footswitch=1" };
	static const struct fake_case c = {
		"another pen's input device", { REAL_TREE }, DEV_INPUT_REAL, 0,
	};
	struct real_tree t, u;
	unsigned int i;
	int ret;

	sim_delete(SIM_ID);
	ret = sim_create(SIM_ID, "footswitch=1");
	if (ret == -EOPNOTSUPP && sim_from_device_tree())
		SKIP(return, "no bench in the device tree has a footswitch");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, real_tree_of(SIM_ID, &t));
	/*
	 * Sysfs naming the input device of a pen without the footswitch,
	 * or without the buttons: not the keys GET_INFO promises.
	 */
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		ret = other_pen(SIM_ID_B, other[i], &u);
		if (ret == -EOPNOTSUPP && sim_from_device_tree())
			continue;
		ASSERT_EQ(0, ret)
			TH_LOG("%s", other[i] ? other[i] : "the defaults");
		EXPECT_EQ(EPROTO, fake_open(&c, &t, &u))
			TH_LOG("%s", other[i] ? other[i] : "the defaults");
		EXPECT_EQ(0, sim_delete(SIM_ID_B));
	}
	/* Its own is fine. */
	EXPECT_EQ(0, fake_open(&c, &t, &t));
	EXPECT_EQ(0, sim_delete(SIM_ID));
}
#endif /* PEN_TEST_LIBPEN */

TEST_HARNESS_MAIN
