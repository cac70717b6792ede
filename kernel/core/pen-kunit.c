// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the pen core's logic that needs no hardware: the rate to
 * period conversion, the SET_PARAMS and hw-info validation rules, and the
 * start/stop state machine driven against a fake backend.
 *
 * Built as pen_kunit.ko when the kernel has KUnit; the suites run when it
 * is loaded (after pen.ko) and their KTAP results are in
 * /sys/kernel/debug/kunit/<suite>/results. See docs/kunit.md.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "pen-compat.h"
#include "pen-internal.h"

/* 1000 s in ns: a rate in mHz times its period in ns. */
#define PEN_MHZ_NS	(NSEC_PER_SEC * 1000ULL)

/* ---- rate to period ------------------------------------------------- */

static void period_exact(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(25000), 40000000ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(50000), 20000000ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(100000), 10000000ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(1000), 1000000000ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(1000000), 1000000ULL);
}

static void period_rounding(struct kunit *test)
{
	/* 8,333,333.3 and 3,333,333.3 ns round down ... */
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(120000), 8333333ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(300000), 3333333ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(7), 142857142857ULL);
	/* ... 166,666,666,666.7 ns rounds up ... */
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(6), 166666666667ULL);
	/* ... and exactly half (122,070,312.5 ns) rounds up. */
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(8192), 122070313ULL);
}

static void period_extremes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(1), PEN_MHZ_NS);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(PEN_RATE_LIMIT_MHZ),
			20000ULL);
	/* 232.83 ns: the rounding term must not overflow the dividend. */
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(U32_MAX), 233ULL);
	KUNIT_EXPECT_EQ(test, pen_rate_to_period_ns(U32_MAX - 1), 233ULL);
}

/* Over the whole u32 range, |period * rate - 1000 s| <= rate / 2. */
static void period_nearest(struct kunit *test)
{
	u64 rate, p, prod, err;

	for (rate = 1; rate <= U32_MAX; rate += rate / 7 + 1) {
		p = pen_rate_to_period_ns(rate);
		prod = p * rate;
		err = prod > PEN_MHZ_NS ? prod - PEN_MHZ_NS : PEN_MHZ_NS - prod;
		KUNIT_EXPECT_LE_MSG(test, 2 * err, rate, "rate %llu mHz", rate);
	}
	p = pen_rate_to_period_ns(U32_MAX);
	KUNIT_EXPECT_LE(test, 2 * (p * U32_MAX - PEN_MHZ_NS), (u64)U32_MAX);
}

static struct kunit_case pen_rate_cases[] = {
	KUNIT_CASE(period_exact),
	KUNIT_CASE(period_rounding),
	KUNIT_CASE(period_extremes),
	KUNIT_CASE(period_nearest),
	{}
};

static struct kunit_suite pen_rate_suite = {
	.name = "pen_rate",
	.test_cases = pen_rate_cases,
};

/* ---- SET_PARAMS validation ------------------------------------------ */

/* A grid that does not start at zero, so offsets matter. */
static const struct pen_hw_info params_hw = {
	.depth_min_um = 100,
	.depth_max_um = 2500,
	.depth_step_um = 25,
	.rate_min_mhz = 25000,
	.rate_max_mhz = 300000,
};

static void expect_params(struct kunit *test, int want, u32 mask, u32 depth,
			  u32 rate)
{
	struct pen_params p = {
		.mask = mask,
		.depth_um = depth,
		.rate_mhz = rate,
	};

	KUNIT_EXPECT_EQ_MSG(test, pen_check_params(&params_hw, &p), want,
			    "mask %#x depth %u um rate %u mHz", mask, depth,
			    rate);
}

static void params_in_range(struct kunit *test)
{
	expect_params(test, 0, PEN_PARAM_DEPTH, 500, 0);
	expect_params(test, 0, PEN_PARAM_RATE, 0, 120000);
	expect_params(test, 0, PEN_PARAM_ALL, 500, 120000);
}

static void params_depth_range(struct kunit *test)
{
	expect_params(test, 0, PEN_PARAM_DEPTH, 100, 0);
	expect_params(test, 0, PEN_PARAM_DEPTH, 2500, 0);
	expect_params(test, -ERANGE, PEN_PARAM_DEPTH, 99, 0);
	expect_params(test, -ERANGE, PEN_PARAM_DEPTH, 2501, 0);
	expect_params(test, -ERANGE, PEN_PARAM_DEPTH, 0, 0);
	expect_params(test, -ERANGE, PEN_PARAM_DEPTH, 2525, 0);
	expect_params(test, -ERANGE, PEN_PARAM_DEPTH, U32_MAX, 0);
}

static void params_rate_range(struct kunit *test)
{
	expect_params(test, 0, PEN_PARAM_RATE, 0, 25000);
	expect_params(test, 0, PEN_PARAM_RATE, 0, 300000);
	expect_params(test, -ERANGE, PEN_PARAM_RATE, 0, 24999);
	expect_params(test, -ERANGE, PEN_PARAM_RATE, 0, 300001);
	expect_params(test, -ERANGE, PEN_PARAM_RATE, 0, 0);
	expect_params(test, -ERANGE, PEN_PARAM_RATE, 0, U32_MAX);
}

static void params_depth_step(struct kunit *test)
{
	struct pen_hw_info fine = params_hw;
	struct pen_params p = { .mask = PEN_PARAM_DEPTH };
	u32 d;

	/* Every point of the grid, and nothing between them. */
	for (d = params_hw.depth_min_um; d <= params_hw.depth_max_um; d++)
		expect_params(test, (d - 100) % 25 ? -EINVAL : 0,
			      PEN_PARAM_DEPTH, d, 0);

	/* A step of 1 accepts the whole range. */
	fine.depth_step_um = 1;
	for (d = fine.depth_min_um; d <= fine.depth_max_um; d++) {
		p.depth_um = d;
		KUNIT_EXPECT_EQ_MSG(test, pen_check_params(&fine, &p), 0,
				    "depth %u um", d);
	}

	/* A step wider than the range leaves only the minimum. */
	fine.depth_step_um = 5000;
	p.depth_um = 100;
	KUNIT_EXPECT_EQ(test, pen_check_params(&fine, &p), 0);
	p.depth_um = 2500;
	KUNIT_EXPECT_EQ(test, pen_check_params(&fine, &p), -EINVAL);
}

static void params_mask(struct kunit *test)
{
	unsigned int bit;

	expect_params(test, -EINVAL, 0, 0, 0);
	expect_params(test, -EINVAL, 0, 500, 120000);
	for (bit = 2; bit < 32; bit++) {
		expect_params(test, -EINVAL, BIT(bit), 0, 0);
		expect_params(test, -EINVAL, PEN_PARAM_ALL | BIT(bit), 500,
			      120000);
	}
}

static void params_unmasked_values(struct kunit *test)
{
	/* Even a value that would be valid, if the mask leaves it out. */
	expect_params(test, -EINVAL, PEN_PARAM_DEPTH, 500, 120000);
	expect_params(test, -EINVAL, PEN_PARAM_DEPTH, 500, 1);
	expect_params(test, -EINVAL, PEN_PARAM_RATE, 500, 120000);
	expect_params(test, -EINVAL, PEN_PARAM_RATE, 1, 120000);
}

static void params_reserved(struct kunit *test)
{
	struct pen_params p = {
		.mask = PEN_PARAM_ALL,
		.depth_um = 500,
		.rate_mhz = 120000,
	};
	unsigned int i;

	KUNIT_EXPECT_EQ(test, pen_check_params(&params_hw, &p), 0);
	for (i = 0; i < ARRAY_SIZE(p.reserved); i++) {
		p.reserved[i] = 1;
		KUNIT_EXPECT_EQ_MSG(test, pen_check_params(&params_hw, &p),
				    -EINVAL, "reserved[%u] = 1", i);
		p.reserved[i] = U32_MAX;
		KUNIT_EXPECT_EQ_MSG(test, pen_check_params(&params_hw, &p),
				    -EINVAL, "reserved[%u] = U32_MAX", i);
		p.reserved[i] = 0;
	}
}

/* Both values are checked, so one bad one refuses the pair. */
static void params_all_or_nothing(struct kunit *test)
{
	expect_params(test, -ERANGE, PEN_PARAM_ALL, 500, 300001);
	expect_params(test, -ERANGE, PEN_PARAM_ALL, 2501, 120000);
	expect_params(test, -EINVAL, PEN_PARAM_ALL, 510, 120000);
	expect_params(test, -ERANGE, PEN_PARAM_ALL, 500, 0);
}

static struct kunit_case pen_params_cases[] = {
	KUNIT_CASE(params_in_range),
	KUNIT_CASE(params_depth_range),
	KUNIT_CASE(params_rate_range),
	KUNIT_CASE(params_depth_step),
	KUNIT_CASE(params_mask),
	KUNIT_CASE(params_unmasked_values),
	KUNIT_CASE(params_reserved),
	KUNIT_CASE(params_all_or_nothing),
	{}
};

static struct kunit_suite pen_params_suite = {
	.name = "pen_params",
	.test_cases = pen_params_cases,
};

/* ---- hw-info validation --------------------------------------------- */

static int stub_enable(struct pen_device *pen)
{
	return 0;
}

static void stub_disable(struct pen_device *pen)
{
}

static int stub_stroke(struct pen_device *pen, u64 seq, u32 depth_um)
{
	return 0;
}

static const struct pen_ops stub_ops = {
	.drive_enable = stub_enable,
	.drive_disable = stub_disable,
	.stroke = stub_stroke,
};

static const struct pen_hw_info good_hw = {
	.model = "kunit",
	.serial = "K-1",
	.needle_count = 12,
	.depth_min_um = 0,
	.depth_max_um = 2500,
	.depth_step_um = 10,
	.rate_min_mhz = 25000,
	.rate_max_mhz = 300000,
};

static void hw_valid(struct kunit *test)
{
	struct pen_ops ops = stub_ops;
	struct pen_hw_info hw = good_hw;

	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &hw), 0);

	/* drive_enable() is optional; so are the strings. */
	ops.drive_enable = NULL;
	hw.model = NULL;
	hw.serial = NULL;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &hw), 0);

	/* One-point ranges, and the limits of what the core accepts. */
	hw.depth_min_um = 500;
	hw.depth_max_um = 500;
	hw.rate_min_mhz = 1;
	hw.rate_max_mhz = 1;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &hw), 0);
	hw.rate_max_mhz = PEN_RATE_LIMIT_MHZ;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &hw), 0);
	hw.rate_min_mhz = PEN_RATE_LIMIT_MHZ;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &hw), 0);
}

static void hw_missing_ops(struct kunit *test)
{
	struct pen_ops ops = stub_ops;

	KUNIT_EXPECT_EQ(test, pen_check_hw_info(NULL, &good_hw), -EINVAL);
	ops.drive_disable = NULL;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &good_hw), -EINVAL);
	ops = stub_ops;
	ops.stroke = NULL;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&ops, &good_hw), -EINVAL);
}

static void hw_bad_depth(struct kunit *test)
{
	struct pen_hw_info hw = good_hw;

	hw.depth_step_um = 0;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw = good_hw;
	hw.depth_min_um = 2510;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw.depth_min_um = 2501;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
}

static void hw_bad_rate(struct kunit *test)
{
	struct pen_hw_info hw = good_hw;

	hw.rate_min_mhz = 0;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw = good_hw;
	hw.rate_min_mhz = hw.rate_max_mhz + 1;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw = good_hw;
	hw.rate_max_mhz = PEN_RATE_LIMIT_MHZ + 1;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw.rate_max_mhz = U32_MAX;
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
}

/* Every button the core knows may be declared; one it does not, never. */
static void hw_buttons(struct kunit *test)
{
	struct pen_hw_info hw = good_hw;

	hw.buttons = PEN_BUTTONS_HANDPIECE | BIT(PEN_BUTTON_FOOTSWITCH);
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), 0);
	hw.buttons = BIT(PEN_BUTTON_FOOTSWITCH);
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), 0);
	hw.buttons |= BIT(PEN_BUTTON_COUNT);
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
	hw.buttons = BIT(31);
	KUNIT_EXPECT_EQ(test, pen_check_hw_info(&stub_ops, &hw), -EINVAL);
}

static struct kunit_case pen_hw_info_cases[] = {
	KUNIT_CASE(hw_valid),
	KUNIT_CASE(hw_missing_ops),
	KUNIT_CASE(hw_bad_depth),
	KUNIT_CASE(hw_bad_rate),
	KUNIT_CASE(hw_buttons),
	{}
};

static struct kunit_suite pen_hw_info_suite = {
	.name = "pen_hw_info",
	.test_cases = pen_hw_info_cases,
};

/* ---- the state machine, against a fake backend ---------------------- */

#define FAKE_LOG_LEN	32
/* Long enough for a few 2 ms periods on a slow, instrumented guest. */
#define FAKE_WAIT_MS	100

/**
 * struct fake_rec - what the fake backend saw, under fake->lock
 * @enables: drive_enable() calls
 * @disables: drive_disable() calls
 * @strokes: stroke() calls, failed ones included
 * @disables_running: drive_disable() calls made while the core still
 *	marked the needle running, i.e. before its bookkeeping
 * @strokes_drive_off: stroke() calls with the drive off; never allowed
 * @calls: calls of any kind
 * @log: the first FAKE_LOG_LEN calls, 'E'nable, 'D'isable, 'S'troke
 * @last: the last call
 * @drive_on: the simulated drive is powered
 * @last_seq: @seq of the last stroke()
 * @last_depth_um: @depth_um of the last stroke()
 */
struct fake_rec {
	int enables;
	int disables;
	int strokes;
	int disables_running;
	int strokes_drive_off;
	int calls;
	char log[FAKE_LOG_LEN + 1];
	char last;
	bool drive_on;
	u64 last_seq;
	u32 last_depth_um;
};

/**
 * struct pen_fake - a fake backend and the pen it registered
 * @lock: raw, taken in hard-irq context under the pen's slock
 * @rec: what the fake saw
 * @pen: the pen
 * @registered: @pen is still registered; the exit unregisters it
 * @threaded: registered as a backend that may sleep, so driven from the
 *	core's stroke thread
 * @enable_ret: drive_enable() powers the drive and returns this
 * @in_enable: what else happens while drive_enable() powers the drive
 * @fail_stroke: the stroke() call, counting from 1, that fails; 0 none
 * @again_from: the first stroke() call, counting from 1, that cannot be
 *	made yet (-EAGAIN), as a backend still busy with the one before;
 *	0 none
 * @again_count: how many calls in a row from @again_from do so
 * @fault_first: that call reports an overcurrent, then an overtemperature,
 *	before it fails, as a backend whose hardware tripped twice (the
 *	stroke thread's only: the hard-irq loop strokes under the slock a
 *	report takes)
 */
struct pen_fake {
	raw_spinlock_t lock;
	struct fake_rec rec;
	struct pen_device *pen;
	bool registered;
	bool threaded;
	int enable_ret;
	int in_enable;
	int fail_stroke;
	int again_from;
	int again_count;
	bool fault_first;
};

/*
 * What comes in while the fake's drive powers up, as from another task or
 * an interrupt: nothing, a STOP, the cartridge pulled, an overcurrent.
 */
enum {
	FAKE_ENABLE, FAKE_ENABLE_STOP, FAKE_ENABLE_PULL, FAKE_ENABLE_FAULT,
	FAKE_ENABLE_FAULT_CLEARED,
};

/* Rates from 500 Hz, so a test sees strokes within milliseconds. */
static const struct pen_hw_info fake_hw = {
	.model = "fake",
	.serial = "KUNIT",
	.needle_count = 12,
	.depth_min_um = 0,
	.depth_max_um = 2000,
	.depth_step_um = 10,
	.rate_min_mhz = 500000,
	.rate_max_mhz = 2000000,
};

static void fake_log(struct pen_fake *f, char call)
{
	if (f->rec.calls < FAKE_LOG_LEN)
		f->rec.log[f->rec.calls] = call;
	f->rec.calls++;
	f->rec.last = call;
}

static int fake_drive_enable(struct pen_device *pen)
{
	struct pen_fake *f = pen_get_drvdata(pen);
	int ret;

	raw_spin_lock_irq(&f->lock);
	fake_log(f, 'E');
	f->rec.enables++;
	/* Even a failing enable powers the drive: the worst case. */
	f->rec.drive_on = true;
	ret = f->enable_ret;
	raw_spin_unlock_irq(&f->lock);

	switch (READ_ONCE(f->in_enable)) {
	case FAKE_ENABLE_STOP:
		pen_stop(pen, PEN_STOP_REQUEST);
		break;
	case FAKE_ENABLE_PULL:
		pen_report_cartridge_removed(pen);
		break;
	case FAKE_ENABLE_FAULT:
		pen_report_fault(pen, PEN_FAULT_OVERCURRENT, 2500);
		break;
	case FAKE_ENABLE_FAULT_CLEARED:
		/* As the controller's other thread may, meanwhile. */
		pen_report_fault(pen, PEN_FAULT_OVERCURRENT, 2500);
		pen_clear_fault(pen);
		break;
	}
	return ret;
}

static void fake_drive_disable(struct pen_device *pen)
{
	struct pen_fake *f = pen_get_drvdata(pen);
	unsigned long flags;

	raw_spin_lock_irqsave(&f->lock, flags);
	fake_log(f, 'D');
	f->rec.disables++;
	/* Under slock, except at registration when nothing else runs. */
	if (pen_running(pen))
		f->rec.disables_running++;
	f->rec.drive_on = false;
	raw_spin_unlock_irqrestore(&f->lock, flags);
}

static int fake_stroke(struct pen_device *pen, u64 seq, u32 depth_um)
{
	struct pen_fake *f = pen_get_drvdata(pen);
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&f->lock, flags);
	fake_log(f, 'S');
	f->rec.strokes++;
	if (!f->rec.drive_on)
		f->rec.strokes_drive_off++;
	f->rec.last_seq = seq;
	f->rec.last_depth_um = depth_um;
	if (f->rec.strokes == f->fail_stroke)
		ret = -EIO;
	if (f->again_from && f->rec.strokes >= f->again_from &&
	    f->rec.strokes < f->again_from + f->again_count)
		ret = -EAGAIN;
	raw_spin_unlock_irqrestore(&f->lock, flags);
	if (ret && f->fault_first) {
		pen_report_fault(pen, PEN_FAULT_OVERCURRENT, 1500);
		pen_report_fault(pen, PEN_FAULT_OVERTEMP, 70000);
	}
	return ret;
}

static const struct pen_ops fake_ops = {
	.drive_enable = fake_drive_enable,
	.drive_disable = fake_drive_disable,
	.stroke = fake_stroke,
};

static void fake_get(struct pen_fake *f, struct fake_rec *rec)
{
	raw_spin_lock_irq(&f->lock);
	*rec = f->rec;
	raw_spin_unlock_irq(&f->lock);
}

static void fake_set(struct pen_fake *f, int enable_ret, int in_enable,
		     int fail_stroke)
{
	raw_spin_lock_irq(&f->lock);
	f->enable_ret = enable_ret;
	f->in_enable = in_enable;
	f->fail_stroke = fail_stroke;
	raw_spin_unlock_irq(&f->lock);
}

/**
 * struct pen_snap - the pen's state, read under its slock
 * @running: the needle runs
 * @attached: the pen still has its backend
 * @stop_reason: PEN_STOP_*
 * @depth_um: depth setpoint
 * @rate_mhz: rate setpoint
 * @last_reached_um: last reported depth
 * @period_ns: stroke period
 * @strokes: strokes since registration
 * @run_strokes: strokes since the last start
 * @run_missed: periods missed since the last start
 * @fault: the latched fault
 * @started_ns: last start
 * @stopped_ns: last stop
 */
struct pen_snap {
	bool running;
	bool attached;
	u32 stop_reason;
	u32 depth_um;
	u32 rate_mhz;
	u32 last_reached_um;
	u64 period_ns;
	u64 strokes;
	u64 run_strokes;
	u64 run_missed;
	u32 fault;
	u64 started_ns;
	u64 stopped_ns;
};

static void snap_pen(struct pen_device *pen, struct pen_snap *s)
{
	raw_spin_lock_irq(&pen->slock);
	s->running = pen_running(pen);
	s->attached = !pen_detached(pen);
	s->stop_reason = pen->st.stop_reason;
	s->depth_um = pen->st.depth_um;
	s->rate_mhz = pen->st.rate_mhz;
	s->last_reached_um = pen->st.last_reached_um;
	s->period_ns = pen->st.period_ns;
	s->strokes = pen->st.strokes;
	s->run_strokes = pen->st.run_strokes;
	s->run_missed = pen->st.run_missed;
	s->fault = pen->st.fault;
	s->started_ns = pen->st.started_ns;
	s->stopped_ns = pen->st.stopped_ns;
	raw_spin_unlock_irq(&pen->slock);
}

/* Several periods at the slowest rate (2 ms): long enough to see a stroke. */
static void wait_periods(void)
{
	usleep_range(10000, 12000);
}

static bool fake_strokes_at_least(struct pen_fake *f, int n)
{
	struct fake_rec rec;

	fake_get(f, &rec);
	return rec.strokes >= n;
}

static bool fake_pen_stopped(struct pen_fake *f, int unused)
{
	struct pen_snap s;

	snap_pen(f->pen, &s);
	return !s.running;
}

static bool fake_drive_off(struct pen_fake *f, int unused)
{
	struct fake_rec rec;

	fake_get(f, &rec);
	return !rec.drive_on;
}

/* Poll @done(@f, @n) until it holds, or FAKE_WAIT_MS have passed. */
static bool fake_wait(struct pen_fake *f,
		      bool (*done)(struct pen_fake *f, int n), int n)
{
	u64 end = ktime_get_ns() + FAKE_WAIT_MS * NSEC_PER_MSEC;

	while (!done(f, n)) {
		if (ktime_get_ns() > end)
			return false;
		usleep_range(200, 500);
	}
	return true;
}

/* Wait for the fake to have seen @n strokes in all. */
static bool fake_wait_strokes(struct pen_fake *f, int n)
{
	return fake_wait(f, fake_strokes_at_least, n);
}

/* Wait for the needle to stop, as a stop by the core itself makes it. */
static bool pen_wait_stopped(struct pen_fake *f)
{
	return fake_wait(f, fake_pen_stopped, 0);
}

/* Start, wait for @n strokes in all, and stop as a controller would. */
static void run_then_stop(struct kunit *test, struct pen_fake *f, int n)
{
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, n));
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
}

/* The pen's state, then the fake's record. */
static void snap_both(struct pen_fake *f, struct pen_snap *s,
		      struct fake_rec *rec)
{
	snap_pen(f->pen, s);
	fake_get(f, rec);
}

/* Invariants every case ends with. */
static void expect_safe(struct kunit *test, struct pen_fake *f)
{
	struct fake_rec rec;

	fake_get(f, &rec);
	KUNIT_EXPECT_EQ(test, rec.strokes_drive_off, 0);
}

/* The log's first @n calls, as a string. */
static const char *log_head(struct fake_rec *rec, int n)
{
	rec->log[min(n, FAKE_LOG_LEN)] = '\0';
	return rec->log;
}

/*
 * A fake backend with @ops and the pen it registered, a fresh cartridge
 * in (good for far more strokes than any case makes); an ERR_PTR() if
 * not. Freed with the test; the pen is the caller's to unregister.
 */
static struct pen_fake *fake_register(struct kunit *test,
				      const struct pen_hw_info *hw,
				      const struct pen_ops *ops)
{
	struct pen_fake *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&f->lock);
	f->pen = pen_register(NULL, "pen_kunit", ops, hw, f);
	if (IS_ERR(f->pen))
		return ERR_CAST(f->pen);
	f->registered = true;
	f->threaded = hw->can_sleep;
	pen_report_cartridge_inserted(f->pen, 1, U32_MAX);
	return f;
}

static int state_init_hw(struct kunit *test, const struct pen_hw_info *hw)
{
	struct pen_fake *f = fake_register(test, hw, &fake_ops);

	if (IS_ERR(f))
		return PTR_ERR(f);
	test->priv = f;
	return 0;
}

static int state_init(struct kunit *test)
{
	return state_init_hw(test, &fake_hw);
}

/* The same pen, driven from the core's stroke thread. */
static int state_init_threaded(struct kunit *test)
{
	struct pen_hw_info hw = fake_hw;

	hw.can_sleep = true;
	return state_init_hw(test, &hw);
}

static void state_exit(struct kunit *test)
{
	struct pen_fake *f = test->priv;

	if (f && f->registered)
		pen_unregister(f->pen);
}

static void state_registers_off(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	snap_pen(f->pen, &s);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_TRUE(test, s.attached);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_NONE);
	KUNIT_EXPECT_EQ(test, s.depth_um, fake_hw.depth_min_um);
	KUNIT_EXPECT_EQ(test, s.rate_mhz, fake_hw.rate_min_mhz);
	KUNIT_EXPECT_EQ(test, s.period_ns, 2000000ULL);
	KUNIT_EXPECT_EQ(test, s.strokes, 0ULL);

	/* The drive is cut at registration, whatever probe left behind. */
	fake_get(f, &rec);
	KUNIT_EXPECT_STREQ(test, log_head(&rec, FAKE_LOG_LEN), "D");
}

static void state_start_enables_then_strokes(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 3));

	snap_both(f, &s, &rec);
	KUNIT_EXPECT_TRUE(test, s.running);
	KUNIT_EXPECT_NE(test, s.started_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, s.stopped_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, rec.enables, 1);
	KUNIT_EXPECT_TRUE(test, rec.drive_on);
	/* Strokes are numbered from 0 and carry the depth setpoint. */
	KUNIT_EXPECT_EQ(test, rec.last_seq, (u64)rec.strokes - 1);
	KUNIT_EXPECT_EQ(test, rec.last_depth_um, fake_hw.depth_min_um);
	KUNIT_EXPECT_STREQ(test, log_head(&rec, 4), "DESS");
	expect_safe(test, f);
}

static void state_stop_disables_first(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;
	int strokes;

	run_then_stop(test, f, 2);

	fake_get(f, &rec);
	snap_pen(f->pen, &s);
	/* The drive went off while the core still had the needle running. */
	KUNIT_EXPECT_EQ(test, rec.disables_running, 1);
	KUNIT_EXPECT_EQ(test, rec.disables, 2);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REQUEST);
	KUNIT_EXPECT_GE(test, s.stopped_ns, s.started_ns);
	KUNIT_EXPECT_EQ(test, s.strokes, (u64)rec.strokes);

	/* Synchronous: no stroke after pen_stop() has returned. */
	strokes = rec.strokes;
	wait_periods();
	fake_get(f, &rec);
	KUNIT_EXPECT_EQ(test, rec.strokes, strokes);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
	expect_safe(test, f);
}

static void state_second_start(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), -EALREADY);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 2));

	snap_both(f, &s, &rec);
	KUNIT_EXPECT_TRUE(test, s.running);
	KUNIT_EXPECT_EQ(test, rec.enables, 1);
	KUNIT_EXPECT_TRUE(test, rec.drive_on);
	expect_safe(test, f);
}

static void state_stop_when_stopped(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	/* Never started: succeeds, cuts the drive again, records nothing. */
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	snap_both(f, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_NONE);
	KUNIT_EXPECT_EQ(test, rec.disables, 2);
	KUNIT_EXPECT_EQ(test, rec.disables_running, 0);

	/* A second stop keeps the reason of the one that stopped it. */
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_CLOSE), 0);
	snap_both(f, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REQUEST);
	KUNIT_EXPECT_EQ(test, rec.disables, 4);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	expect_safe(test, f);
}

/* The start finds out after power-up, gives up and cuts the drive. */
static void expect_start_refused(struct kunit *test, int err)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	KUNIT_EXPECT_EQ(test, pen_start(f->pen), err);
	wait_periods();
	snap_both(f, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.strokes, 0ULL);
	KUNIT_EXPECT_EQ(test, rec.strokes, 0);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
}

/* The pen is not wedged: the next start works, and strokes. */
static void expect_restarts(struct kunit *test, struct pen_fake *f)
{
	fake_set(f, 0, FAKE_ENABLE, 0);
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 1));
	expect_safe(test, f);
}

static void state_enable_fails(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	fake_set(f, -EIO, FAKE_ENABLE, 0);
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), -EIO);
	wait_periods();
	snap_both(f, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_NONE);
	KUNIT_EXPECT_EQ(test, s.strokes, 0ULL);
	/* The half-powered drive is cut again, and nothing else happens. */
	KUNIT_EXPECT_STREQ(test, log_head(&rec, FAKE_LOG_LEN), "DED");
	KUNIT_EXPECT_FALSE(test, rec.drive_on);

	/* The pen is not wedged. */
	expect_restarts(test, f);
}

static void state_stop_during_enable(struct kunit *test)
{
	struct pen_fake *f = test->priv;

	/*
	 * A backend that may sleep is called under hw_lock, which a stop
	 * takes too: a stop from another task waits for the enable, and one
	 * from inside it, as this fake makes, would wait forever.
	 */
	if (f->threaded)
		kunit_skip(test, "a stop waits for a sleeping backend's enable");
	fake_set(f, 0, FAKE_ENABLE_STOP, 0);
	expect_start_refused(test, -ECANCELED);

	expect_restarts(test, f);
}

/*
 * What would have refused a start and comes while the drive powers up
 * refuses it too, with the same error: no run without a cartridge, none
 * past a fault.
 */
static void state_refused_during_enable(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	u32 cart_state;

	fake_set(f, 0, FAKE_ENABLE_PULL, 0);
	expect_start_refused(test, -ENOMEDIUM);
	raw_spin_lock_irq(&f->pen->slock);
	cart_state = f->pen->st.cart_state;
	raw_spin_unlock_irq(&f->pen->slock);
	KUNIT_EXPECT_EQ(test, cart_state, (u32)PEN_CARTRIDGE_NONE);

	pen_report_cartridge_inserted(f->pen, 2, U32_MAX);
	fake_set(f, 0, FAKE_ENABLE_FAULT, 0);
	expect_start_refused(test, -EIO);
	KUNIT_EXPECT_TRUE(test, pen_clear_fault(f->pen));

	/* A fault cleared before the start looks again still wins. */
	fake_set(f, 0, FAKE_ENABLE_FAULT_CLEARED, 0);
	expect_start_refused(test, -ECANCELED);

	expect_restarts(test, f);
}

/* The drive is off, or the wait for it timed out. */
static bool fake_wait_drive_off(struct pen_fake *f)
{
	return fake_wait(f, fake_drive_off, 0);
}

/*
 * A stop decided under the spinlock (here, the cartridge pulled): a
 * backend that cannot sleep is cut before the report returns; one that
 * can is cut by the stroke thread, and the wait is counted and timed.
 */
static void state_cut_from_any_context(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	bool deferred = f->threaded;
	struct fake_rec rec;
	struct pen_snap s;
	u64 cuts, max_ns;
	bool pending;

	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 2));
	pen_report_cartridge_removed(f->pen);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_CARTRIDGE_REMOVED);
	if (!deferred) {
		fake_get(f, &rec);
		KUNIT_EXPECT_FALSE(test, rec.drive_on);
	}
	KUNIT_EXPECT_TRUE(test, fake_wait_drive_off(f));

	raw_spin_lock_irq(&f->pen->slock);
	pending = f->pen->st.cut_pending;
	cuts = f->pen->st.cut_timing.count;
	max_ns = f->pen->st.cut_timing.max_ns;
	raw_spin_unlock_irq(&f->pen->slock);
	KUNIT_EXPECT_FALSE(test, pending);
	KUNIT_EXPECT_EQ(test, cuts, deferred ? 1ULL : 0ULL);
	if (deferred)
		KUNIT_EXPECT_LT(test, max_ns, FAKE_WAIT_MS * NSEC_PER_MSEC);
	expect_safe(test, f);
}

static void state_setpoints_stopped(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct pen_snap s;

	pen_set_setpoints(f->pen, PEN_PARAM_DEPTH, 500, 0);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.depth_um, 500U);
	KUNIT_EXPECT_EQ(test, s.rate_mhz, fake_hw.rate_min_mhz);
	KUNIT_EXPECT_EQ(test, s.period_ns, 2000000ULL);

	pen_set_setpoints(f->pen, PEN_PARAM_RATE, 0, 1200000);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.depth_um, 500U);
	KUNIT_EXPECT_EQ(test, s.rate_mhz, 1200000U);
	KUNIT_EXPECT_EQ(test, s.period_ns, 833333ULL);

	pen_set_setpoints(f->pen, PEN_PARAM_ALL, 700, 2000000);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.depth_um, 700U);
	KUNIT_EXPECT_EQ(test, s.rate_mhz, 2000000U);
	KUNIT_EXPECT_EQ(test, s.period_ns, 500000ULL);
	KUNIT_EXPECT_FALSE(test, s.running);
}

static void state_setpoints_running(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 1));

	pen_set_setpoints(f->pen, PEN_PARAM_ALL, 1200, 1000000);
	fake_get(f, &rec);
	/* The stroke after next at the latest has the new depth. */
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, rec.strokes + 2));
	fake_get(f, &rec);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_TRUE(test, s.running);
	KUNIT_EXPECT_EQ(test, rec.last_depth_um, 1200U);
	KUNIT_EXPECT_EQ(test, s.period_ns, 1000000ULL);
	expect_safe(test, f);
}

static void state_stroke_error(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;
	u64 issued;
	int calls;

	fake_set(f, 0, FAKE_ENABLE, 3);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, pen_wait_stopped(f));

	snap_both(f, &s, &rec);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_BACKEND);
	KUNIT_EXPECT_NE(test, s.stopped_ns, 0ULL);
	/*
	 * The refused stroke is not counted as issued, except on the stroke
	 * thread: there a stroke is accounted for before the backend call
	 * (which may report it), and a refused one ends unmeasured.
	 */
	issued = f->threaded ? 3 : 2;
	KUNIT_EXPECT_EQ(test, rec.strokes, 3);
	KUNIT_EXPECT_EQ(test, s.strokes, issued);
	KUNIT_EXPECT_EQ(test, s.run_strokes, issued);
	KUNIT_EXPECT_EQ(test, rec.disables_running, 1);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');

	/* The loop does not re-arm. */
	calls = rec.calls;
	wait_periods();
	fake_get(f, &rec);
	KUNIT_EXPECT_EQ(test, rec.calls, calls);

	/* A later stop succeeds and keeps the reason. */
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_BACKEND);

	/* And the pen can be started again. */
	fake_set(f, 0, FAKE_ENABLE, 0);
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 5));
	expect_safe(test, f);
}

static void state_counters_across_runs(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;
	u64 first;

	run_then_stop(test, f, 3);
	snap_pen(f->pen, &s);
	first = s.strokes;
	KUNIT_EXPECT_EQ(test, s.run_strokes, first);

	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, (int)first + 2));
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	snap_both(f, &s, &rec);
	/* Totals and sequence numbers go on; the run's count restarts. */
	KUNIT_EXPECT_EQ(test, s.strokes, (u64)rec.strokes);
	KUNIT_EXPECT_EQ(test, s.run_strokes, s.strokes - first);
	KUNIT_EXPECT_EQ(test, rec.last_seq, s.strokes - 1);
	KUNIT_EXPECT_EQ(test, rec.enables, 2);
	expect_safe(test, f);
}

static void state_unregister_running(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct pen_device *pen = f->pen;
	struct fake_rec rec;
	struct pen_snap s;
	int calls;

	KUNIT_ASSERT_EQ(test, pen_start(pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(f, 2));

	/* Keep the pen, as an open file would. */
	get_device(pen_to_dev(pen));
	pen_unregister(pen);
	f->registered = false;

	snap_pen(pen, &s);
	fake_get(f, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_FALSE(test, s.attached);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REMOVED);
	KUNIT_EXPECT_EQ(test, rec.disables_running, 1);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');

	/* Gone for good, and the backend is never called again. */
	calls = rec.calls;
	KUNIT_EXPECT_EQ(test, pen_start(pen), -ENODEV);
	KUNIT_EXPECT_EQ(test, pen_stop(pen, PEN_STOP_REQUEST), -ENODEV);
	pen_set_setpoints(pen, PEN_PARAM_DEPTH, 100, 0);
	wait_periods();
	fake_get(f, &rec);
	KUNIT_EXPECT_EQ(test, rec.calls, calls);
	snap_pen(pen, &s);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REMOVED);
	expect_safe(test, f);

	put_device(pen_to_dev(pen));
}

static void state_unregister_stopped(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct pen_device *pen = f->pen;
	struct fake_rec rec;
	struct pen_snap s;

	KUNIT_ASSERT_EQ(test, pen_start(pen), 0);
	KUNIT_EXPECT_EQ(test, pen_stop(pen, PEN_STOP_REQUEST), 0);

	get_device(pen_to_dev(pen));
	pen_unregister(pen);
	f->registered = false;

	snap_pen(pen, &s);
	fake_get(f, &rec);
	/* The drive is cut once more; the reason it stopped stays. */
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
	KUNIT_EXPECT_EQ(test, rec.disables_running, 1);
	KUNIT_EXPECT_FALSE(test, s.attached);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REQUEST);
	KUNIT_EXPECT_EQ(test, pen_start(pen), -ENODEV);
	expect_safe(test, f);

	put_device(pen_to_dev(pen));
}

/* The number of the last stroke the core issued. */
static u64 last_seq(struct pen_device *pen)
{
	u64 seq;

	raw_spin_lock_irq(&pen->slock);
	seq = pen->st.seq - 1;
	raw_spin_unlock_irq(&pen->slock);
	return seq;
}

static u32 latched_fault(struct pen_device *pen, u32 *value)
{
	u32 fault;

	raw_spin_lock_irq(&pen->slock);
	fault = pen->st.fault;
	*value = pen->st.fault_value;
	raw_spin_unlock_irq(&pen->slock);
	return fault;
}

/* A fault latched on a pen that is then removed stays latched. */
static void state_unregister_with_a_fault(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct pen_device *pen = f->pen;
	u32 value;

	pen_report_fault(pen, PEN_FAULT_OVERCURRENT, 1500);
	get_device(pen_to_dev(pen));
	pen_unregister(pen);
	f->registered = false;

	KUNIT_EXPECT_FALSE(test, pen_clear_fault(pen));
	KUNIT_EXPECT_EQ(test, latched_fault(pen, &value), PEN_FAULT_OVERCURRENT);
	KUNIT_EXPECT_EQ(test, value, 1500U);
	expect_safe(test, f);

	put_device(pen_to_dev(pen));
}

static const struct pen_ops fake_ops_no_enable = {
	.drive_disable = fake_drive_disable,
	.stroke = fake_stroke,
};

/*
 * What a backend may leave out: a model and serial (the pen reports
 * empty strings) and drive_enable() (starting only strokes). A second
 * pen beside the case's, on the same stroke loop.
 */
static void state_optional_hw_info_and_ops(struct kunit *test)
{
	struct pen_fake *f = test->priv, *g;
	struct pen_hw_info hw = fake_hw;
	struct fake_rec rec;
	struct pen_snap s;

	hw.model = NULL;
	hw.serial = NULL;
	hw.can_sleep = f->threaded;
	g = fake_register(test, &hw, &fake_ops_no_enable);
	KUNIT_ASSERT_FALSE(test, IS_ERR(g));
	KUNIT_EXPECT_STREQ(test, g->pen->model, "");
	KUNIT_EXPECT_STREQ(test, g->pen->serial, "");

	KUNIT_EXPECT_EQ(test, pen_start(g->pen), 0);
	KUNIT_EXPECT_TRUE(test, fake_wait_strokes(g, 3));
	KUNIT_EXPECT_EQ(test, pen_stop(g->pen, PEN_STOP_REQUEST), 0);
	snap_both(g, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, rec.enables, 0);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
	pen_unregister(g->pen);
}

/*
 * A stroke that fails after its hardware has already stopped the needle
 * (an overcurrent, then an overtemperature, reported from the stroke):
 * the first fault stays the reason and latched, the second is counted,
 * and the one cut both asked for is made once, when the call returns.
 */
/*
 * A stroke the backend cannot make yet (-EAGAIN, the hard-irq loop's
 * only) is a missed one: counted, and the loop goes on; the next stroke
 * made has the same number. More in a row than the timer may miss are a
 * timing fault.
 */
static void state_stroke_not_made_yet(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;

	if (f->threaded)
		kunit_skip(test, "the stroke thread's backend may wait instead");
	raw_spin_lock_irq(&f->lock);
	f->again_from = 3;
	f->again_count = 2;
	raw_spin_unlock_irq(&f->lock);
	run_then_stop(test, f, 8);
	snap_both(f, &s, &rec);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_REQUEST);
	KUNIT_EXPECT_EQ(test, s.run_missed, 2);
	KUNIT_EXPECT_EQ(test, s.run_strokes + 2, (u64)rec.strokes);
	/* Numbered as made: the calls after the two refused ones. */
	KUNIT_EXPECT_EQ(test, rec.last_seq + 1, s.strokes);

	/* Three in a row, one past max_missed_strokes: a timing fault. */
	raw_spin_lock_irq(&f->lock);
	f->again_from = rec.strokes + 2;
	f->again_count = 100;
	raw_spin_unlock_irq(&f->lock);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, pen_wait_stopped(f));
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_FAULT);
	KUNIT_EXPECT_EQ(test, s.fault, PEN_FAULT_TIMING);
	/* max_missed_strokes's default, 2, and the one past it. */
	KUNIT_EXPECT_EQ(test, s.run_missed, 3);
	KUNIT_EXPECT_EQ(test, s.run_strokes, 1);
	pen_clear_fault(f->pen);
	expect_safe(test, f);
}

static void state_stroke_error_after_a_fault(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;
	bool pending;
	u64 cuts;
	u32 value;

	if (!f->threaded)
		kunit_skip(test, "the hard-irq loop strokes under the lock a fault report takes");
	f->fault_first = true;
	fake_set(f, 0, FAKE_ENABLE, 3);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_TRUE(test, pen_wait_stopped(f));
	KUNIT_EXPECT_TRUE(test, fake_wait_drive_off(f));

	snap_both(f, &s, &rec);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_FAULT);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value),
			PEN_FAULT_OVERCURRENT);
	KUNIT_EXPECT_EQ(test, value, 1500U);
	KUNIT_EXPECT_EQ(test, f->pen->st.fault_counts[PEN_FAULT_OVERTEMP], 1ULL);
	raw_spin_lock_irq(&f->pen->slock);
	pending = f->pen->st.cut_pending;
	cuts = f->pen->st.cut_timing.count;
	raw_spin_unlock_irq(&f->pen->slock);
	KUNIT_EXPECT_FALSE(test, pending);
	KUNIT_EXPECT_EQ(test, cuts, 1ULL);
	KUNIT_EXPECT_EQ(test, rec.strokes, 3);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, rec.last, 'D');
	expect_safe(test, f);
}

static void state_report_stroke(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct pen_snap s;
	u32 value;

	/* A report for a stroke never issued is not judged. */
	pen_report_stroke(f->pen, 0, 345);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.last_reached_um, 0U);

	pen_set_setpoints(f->pen, PEN_PARAM_DEPTH, 400, 0);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_ASSERT_TRUE(test, fake_wait_strokes(f, 1));
	/* 55 um short is inside the tolerance. */
	pen_report_stroke(f->pen, last_seq(f->pen), 345);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.last_reached_um, 345U);
	KUNIT_EXPECT_TRUE(test, s.running);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value), PEN_FAULT_NONE);

	/*
	 * A report for a stroke older than the core remembers cannot be
	 * judged against its setpoint: ignored, however deep.
	 */
	KUNIT_ASSERT_TRUE(test, fake_wait_strokes(f, PEN_CMD_HISTORY + 2));
	pen_report_stroke(f->pen, last_seq(f->pen) - PEN_CMD_HISTORY - 1, 900);
	snap_pen(f->pen, &s);
	KUNIT_EXPECT_EQ(test, s.last_reached_um, 345U);
	KUNIT_EXPECT_TRUE(test, s.running);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value), PEN_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	expect_safe(test, f);
}

static void state_over_depth_latches(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	struct fake_rec rec;
	struct pen_snap s;
	u32 value;

	pen_set_setpoints(f->pen, PEN_PARAM_DEPTH, 400, 0);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_ASSERT_TRUE(test, fake_wait_strokes(f, 1));
	pen_report_stroke(f->pen, last_seq(f->pen), 400 + 151);

	snap_both(f, &s, &rec);
	KUNIT_EXPECT_FALSE(test, s.running);
	KUNIT_EXPECT_EQ(test, s.stop_reason, PEN_STOP_FAULT);
	KUNIT_EXPECT_FALSE(test, rec.drive_on);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value),
			PEN_FAULT_OVER_DEPTH);
	KUNIT_EXPECT_EQ(test, value, 151U);

	/* Latched: no start until it is cleared, once. */
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), -EIO);
	KUNIT_EXPECT_TRUE(test, pen_clear_fault(f->pen));
	KUNIT_EXPECT_FALSE(test, pen_clear_fault(f->pen));
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), 0);
	KUNIT_EXPECT_EQ(test, pen_stop(f->pen, PEN_STOP_REQUEST), 0);
	expect_safe(test, f);
}

static void state_stall_needs_strokes_in_a_row(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	u32 value;
	u64 seq;

	pen_set_setpoints(f->pen, PEN_PARAM_DEPTH, 400, 0);
	KUNIT_ASSERT_EQ(test, pen_start(f->pen), 0);
	KUNIT_ASSERT_TRUE(test, fake_wait_strokes(f, 1));
	seq = last_seq(f->pen);

	/* Two short, one good: the run of short strokes starts again. */
	pen_report_stroke(f->pen, seq, 0);
	pen_report_stroke(f->pen, seq, 0);
	pen_report_stroke(f->pen, seq, 400);
	pen_report_stroke(f->pen, seq, 0);
	pen_report_stroke(f->pen, seq, 0);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value), PEN_FAULT_NONE);
	/* The third in a row is a stall. */
	pen_report_stroke(f->pen, seq, 0);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value), PEN_FAULT_STALL);
	KUNIT_EXPECT_EQ(test, value, 400U);
	KUNIT_EXPECT_TRUE(test, pen_wait_stopped(f));
	expect_safe(test, f);
}

static void state_hardware_fault_while_stopped(struct kunit *test)
{
	struct pen_fake *f = test->priv;
	u32 value;

	pen_report_fault(f->pen, PEN_FAULT_OVERTEMP, 70000);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value),
			PEN_FAULT_OVERTEMP);
	KUNIT_EXPECT_EQ(test, value, 70000U);
	KUNIT_EXPECT_EQ(test, f->pen->st.fault_counts[PEN_FAULT_OVERTEMP], 1ULL);
	KUNIT_EXPECT_EQ(test, pen_start(f->pen), -EIO);
	/* A second fault is counted but the first stays latched. */
	pen_report_fault(f->pen, PEN_FAULT_SUPPLY_LOW, 8000);
	KUNIT_EXPECT_EQ(test, latched_fault(f->pen, &value),
			PEN_FAULT_OVERTEMP);
	KUNIT_EXPECT_EQ(test, f->pen->st.fault_counts[PEN_FAULT_SUPPLY_LOW], 1ULL);
	expect_safe(test, f);
}

/*
 * Every case runs twice, in two suites: with the backend called from the
 * hard-irq timer, and with it on the stroke thread. One list, expanded
 * twice (a suite's cases keep their results, so two suites cannot share
 * one array).
 */
#define PEN_STATE_CASES							\
{									\
	KUNIT_CASE(state_registers_off),				\
	KUNIT_CASE(state_start_enables_then_strokes),			\
	KUNIT_CASE(state_stop_disables_first),				\
	KUNIT_CASE(state_second_start),					\
	KUNIT_CASE(state_stop_when_stopped),				\
	KUNIT_CASE(state_enable_fails),					\
	KUNIT_CASE(state_stop_during_enable),				\
	KUNIT_CASE(state_refused_during_enable),			\
	KUNIT_CASE(state_cut_from_any_context),				\
	KUNIT_CASE(state_setpoints_stopped),				\
	KUNIT_CASE(state_setpoints_running),				\
	KUNIT_CASE(state_stroke_error),					\
	KUNIT_CASE(state_stroke_not_made_yet),				\
	KUNIT_CASE(state_stroke_error_after_a_fault),			\
	KUNIT_CASE(state_over_depth_latches),				\
	KUNIT_CASE(state_stall_needs_strokes_in_a_row),			\
	KUNIT_CASE(state_hardware_fault_while_stopped),			\
	KUNIT_CASE(state_counters_across_runs),				\
	KUNIT_CASE(state_unregister_running),				\
	KUNIT_CASE(state_unregister_stopped),				\
	KUNIT_CASE(state_unregister_with_a_fault),			\
	KUNIT_CASE(state_optional_hw_info_and_ops),			\
	KUNIT_CASE(state_report_stroke),				\
	{}								\
}

static struct kunit_case pen_state_cases[] = PEN_STATE_CASES;

static struct kunit_suite pen_state_suite = {
	.name = "pen_state",
	.init = state_init,
	.exit = state_exit,
	.test_cases = pen_state_cases,
};

static struct kunit_case pen_state_threaded_cases[] = PEN_STATE_CASES;

static struct kunit_suite pen_state_threaded_suite = {
	.name = "pen_state_threaded",
	.init = state_init_threaded,
	.exit = state_exit,
	.test_cases = pen_state_threaded_cases,
};

kunit_test_suites(&pen_rate_suite, &pen_params_suite, &pen_hw_info_suite,
		  &pen_state_suite, &pen_state_threaded_suite);

MODULE_DESCRIPTION("KUnit tests of the pen core");
MODULE_LICENSE("GPL");
PEN_IMPORT_KUNIT_NS();
