// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated needle actuator and its record.
 *
 * A commanded stroke arms a lag timer; when it fires the needle has
 * reached the commanded depth and the core is told, as real feedback
 * would. Every stroke and every drive transition is recorded with its
 * time, and tests read the record through debugfs to check what the
 * driver actually made the needle do.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>

#include "pen-compat.h"
#include "pen-sim.h"

static struct pen_sim_stroke *pen_sim_slot(struct pen_sim *sim, u64 n)
{
	return &sim->rec[do_div(n, sim->cfg.record_size)];
}

/* Where the needle ends up for a commanded depth, injections applied. */
static u32 pen_sim_reached(struct pen_sim *sim, u32 cmd_um)
{
	s64 reached = (s64)cmd_um + sim->inj_depth_um;

	if (sim->inj_stall_in == 0)
		return 0;
	return clamp_t(s64, reached, 0, U32_MAX);
}

/*
 * The stroke in flight, if the needle has had its lag to get there;
 * else NULL: none is in flight, or it was commanded while this expiry's
 * callback was already running (it re-armed the timer; that expiry
 * reports it). Called with sim->lock held.
 */
static struct pen_sim_stroke *pen_sim_arrived_locked(struct pen_sim *sim,
						     u64 now)
{
	struct pen_sim_stroke *s;

	lockdep_assert_held(&sim->lock);
	if (!sim->in_flight || !sim->drive_on)
		return NULL;
	s = pen_sim_slot(sim, sim->rec_count - 1);
	if (now - s->cmd_ns < (u64)sim->cfg.lag_us * NSEC_PER_USEC)
		return NULL;
	return s;
}

static enum hrtimer_restart pen_sim_lag_timer(struct hrtimer *timer)
{
	struct pen_sim *sim = container_of(timer, struct pen_sim, lag_timer);
	struct pen_sim_stroke *s;
	unsigned long flags;
	u32 reached = 0;
	u64 seq = 0;
	u64 now;

	raw_spin_lock_irqsave(&sim->lock, flags);
	now = ktime_get_ns();
	s = pen_sim_arrived_locked(sim, now);
	if (s) {
		s->reach_ns = now;
		s->reached_um = sim->target_um;
		sim->needle_um = s->reached_um;
		sim->in_flight = false;
		reached = s->reached_um;
		seq = s->seq;
	}
	raw_spin_unlock_irqrestore(&sim->lock, flags);

	/* Outside our lock: the core's lock nests outside it, not inside. */
	if (s)
		pen_report_stroke(sim->pen, seq, reached);
	return HRTIMER_NORESTART;
}

static struct pen_sim_span *pen_sim_span(struct pen_sim *sim, u64 n)
{
	return &sim->spans[n % PEN_SIM_SPANS];
}

static int pen_sim_drive_enable(struct pen_device *pen)
{
	struct pen_sim *sim = pen_get_drvdata(pen);
	struct pen_sim_span *span;

	raw_spin_lock_irq(&sim->lock);
	sim->drive_enables++;
	sim->drive_on_ns = ktime_get_ns();
	if (!sim->drive_on) {
		span = pen_sim_span(sim, sim->span_count++);
		span->on_ns = sim->drive_on_ns;
		span->off_ns = 0;
	}
	sim->drive_on = true;
	raw_spin_unlock_irq(&sim->lock);
	return 0;
}

static void pen_sim_drive_disable(struct pen_device *pen)
{
	struct pen_sim *sim = pen_get_drvdata(pen);
	unsigned long flags;

	raw_spin_lock_irqsave(&sim->lock, flags);
	if (sim->drive_on) {
		sim->drive_on = false;
		sim->drive_disables++;
		sim->drive_off_ns = ktime_get_ns();
		pen_sim_span(sim, sim->span_count - 1)->off_ns =
			sim->drive_off_ns;
	}
	/* No force on the needle: it is back out, a stroke cut short. */
	sim->in_flight = false;
	sim->needle_um = 0;
	raw_spin_unlock_irqrestore(&sim->lock, flags);
	/*
	 * Only try: the lag timer may be waiting for the core's lock, which
	 * our caller holds. A callback that still runs finds nothing to do.
	 */
	hrtimer_try_to_cancel(&sim->lag_timer);
}

static int pen_sim_stroke(struct pen_device *pen, u64 seq, u32 depth_um)
{
	struct pen_sim *sim = pen_get_drvdata(pen);
	struct pen_sim_stroke *s;
	unsigned long flags;
	u32 late_us;

	raw_spin_lock_irqsave(&sim->lock, flags);
	if (!sim->drive_on) {
		raw_spin_unlock_irqrestore(&sim->lock, flags);
		return -EIO;
	}
	/* Where this stroke will end, decided as it starts. */
	sim->target_um = pen_sim_reached(sim, depth_um);
	if (sim->inj_stall_in > 0)
		sim->inj_stall_in--;
	late_us = sim->inj_late_us;
	sim->inj_late_us = 0;
	s = pen_sim_slot(sim, sim->rec_count++);
	s->seq = seq;
	s->cmd_ns = ktime_get_ns();
	s->reach_ns = 0;
	s->cmd_um = depth_um;
	s->reached_um = 0;
	sim->in_flight = true;
	raw_spin_unlock_irqrestore(&sim->lock, flags);

	/*
	 * An injected late timer: hold the CPU as a stuck interrupt would.
	 * This may be hard-irq context, so it spins; it cannot sleep.
	 */
	mdelay(late_us / USEC_PER_MSEC);
	udelay(late_us % USEC_PER_MSEC);

	hrtimer_start(&sim->lag_timer,
		      ns_to_ktime((u64)sim->cfg.lag_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	return 0;
}

static const struct pen_ops pen_sim_ops = {
	.drive_enable = pen_sim_drive_enable,
	.drive_disable = pen_sim_drive_disable,
	.stroke = pen_sim_stroke,
};

/*
 * debugfs "strokes" and "drive": the stroke record and the drive's, each
 * a ring, oldest entry first, one a line. Which of the two a file shows
 * is its seq_operations'.
 */
static const struct seq_operations pen_sim_spans_sops;

/*
 * The first entry the file's ring still holds, and one past its last.
 * Called with sim->lock held.
 */
static void pen_sim_ring_locked(struct seq_file *m, u64 *first, u64 *end)
{
	struct pen_sim *sim = m->private;
	bool spans = m->op == &pen_sim_spans_sops;
	u64 size = spans ? PEN_SIM_SPANS : sim->cfg.record_size;

	lockdep_assert_held(&sim->lock);
	*end = spans ? sim->span_count : sim->rec_count;
	*first = *end > size ? *end - size : 0;
}

static void *pen_sim_ring_start(struct seq_file *m, loff_t *pos)
{
	struct pen_sim *sim = m->private;
	u64 first, end;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	raw_spin_lock_irq(&sim->lock);
	pen_sim_ring_locked(m, &first, &end);
	raw_spin_unlock_irq(&sim->lock);
	/* Position n >= 1 is the (n - 1)th entry the ring still holds. */
	if (first + *pos - 1 >= end)
		return NULL;
	return pos;
}

static void *pen_sim_ring_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pen_sim_ring_start(m, pos);
}

static void pen_sim_ring_stop(struct seq_file *m, void *v)
{
}

/*
 * The number, since the instance was made, of the entry at position @v,
 * or false if it was dropped meanwhile. Called with sim->lock held.
 */
static bool pen_sim_ring_entry_locked(struct seq_file *m, void *v, u64 *n)
{
	struct pen_sim *sim = m->private;
	u64 first, end;

	lockdep_assert_held(&sim->lock);
	pen_sim_ring_locked(m, &first, &end);
	*n = first + *(loff_t *)v - 1;
	return *n < end;
}

/*
 * Copy the entry at position @v of the ring @m shows (a stroke or a span)
 * into @dst, under the lock; false if it was dropped meanwhile.
 */
static bool pen_sim_ring_copy(struct seq_file *m, void *v, void *dst)
{
	struct pen_sim *sim = m->private;
	bool ok;
	u64 n;

	raw_spin_lock_irq(&sim->lock);
	ok = pen_sim_ring_entry_locked(m, v, &n);
	if (ok && m->op == &pen_sim_spans_sops)
		*(struct pen_sim_span *)dst = *pen_sim_span(sim, n);
	else if (ok)
		*(struct pen_sim_stroke *)dst = *pen_sim_slot(sim, n);
	raw_spin_unlock_irq(&sim->lock);
	return ok;
}

static int pen_sim_ring_show(struct seq_file *m, void *v)
{
	bool spans = m->op == &pen_sim_spans_sops;
	union {
		struct pen_sim_stroke stroke;
		struct pen_sim_span span;
	} e;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, spans ? "# on_ns off_ns\n" :
			 "# seq cmd_ns reach_ns cmd_um reached_um\n");
		return 0;
	}
	if (!pen_sim_ring_copy(m, v, &e))
		return SEQ_SKIP;
	if (spans)
		seq_printf(m, "%llu %llu\n", e.span.on_ns, e.span.off_ns);
	else
		seq_printf(m, "%llu %llu %llu %u %u\n", e.stroke.seq,
			   e.stroke.cmd_ns, e.stroke.reach_ns, e.stroke.cmd_um,
			   e.stroke.reached_um);
	return 0;
}

/* debugfs "strokes" and "spans": the same ring file, each on its ring. */
#define PEN_SIM_RING_ATTRIBUTE(__name)				\
	static const struct seq_operations __name##_sops = {	\
		.start = pen_sim_ring_start,			\
		.next = pen_sim_ring_next,			\
		.stop = pen_sim_ring_stop,			\
		.show = pen_sim_ring_show,			\
	};							\
	DEFINE_SEQ_ATTRIBUTE(__name)

PEN_SIM_RING_ATTRIBUTE(pen_sim_strokes);
PEN_SIM_RING_ATTRIBUTE(pen_sim_spans);

/* debugfs "state": the actuator's state, one "key value" a line. */
static int pen_sim_state_show(struct seq_file *m, void *v)
{
	struct pen_sim *sim = m->private;
	u64 enables, disables, on_ns, off_ns, count, spans, inject_ns;
	bool drive_on;
	u32 needle_um;

	raw_spin_lock_irq(&sim->lock);
	drive_on = sim->drive_on;
	needle_um = sim->needle_um;
	enables = sim->drive_enables;
	disables = sim->drive_disables;
	on_ns = sim->drive_on_ns;
	off_ns = sim->drive_off_ns;
	count = sim->rec_count;
	spans = sim->span_count;
	inject_ns = sim->inject_ns;
	raw_spin_unlock_irq(&sim->lock);

	seq_printf(m, "pen %s\n", dev_name(pen_to_dev(sim->pen)));
	seq_printf(m, "drive %s\n", drive_on ? "on" : "off");
	seq_printf(m, "needle_um %u\n", needle_um);
	seq_printf(m, "drive_enables %llu\n", enables);
	seq_printf(m, "drive_disables %llu\n", disables);
	seq_printf(m, "drive_on_ns %llu\n", on_ns);
	seq_printf(m, "drive_off_ns %llu\n", off_ns);
	seq_printf(m, "strokes %llu\n", count);
	seq_printf(m, "strokes_dropped %llu\n",
		   count > sim->cfg.record_size ?
		   count - sim->cfg.record_size : 0);
	seq_printf(m, "drive_spans %llu\n", spans);
	seq_printf(m, "drive_spans_dropped %llu\n",
		   spans > PEN_SIM_SPANS ? spans - PEN_SIM_SPANS : 0);
	seq_printf(m, "inject_ns %llu\n", inject_ns);
	seq_printf(m, "lag_us %u\n", sim->cfg.lag_us);
	seq_printf(m, "threaded %u\n", sim->cfg.threaded);
	seq_printf(m, "record_size %u\n", sim->cfg.record_size);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_sim_state);

/* Ids of the cartridges pen_sim inserts by itself: fresh every time. */
static atomic64_t pen_sim_cartridge_ids = ATOMIC64_INIT(0x51000000);

int pen_sim_pen_add(struct pen_sim *sim, struct dentry *debugfs_root)
{
	struct pen_device *pen;

	raw_spin_lock_init(&sim->lock);
	sim->inj_stall_in = -1;
	pen_hrtimer_setup(&sim->lag_timer, pen_sim_lag_timer, CLOCK_MONOTONIC,
			  HRTIMER_MODE_REL_HARD);
	/*
	 * The writer of new_device chose the size (up to 512 MiB): one the
	 * kernel cannot give is that writer's ENOMEM, not a warning with a
	 * stack dump in the kernel log.
	 */
	sim->rec = __vmalloc(array_size(sim->cfg.record_size, sizeof(*sim->rec)),
			     GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!sim->rec)
		return -ENOMEM;
	sim->spans = __vmalloc(array_size(PEN_SIM_SPANS, sizeof(*sim->spans)),
			       GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!sim->spans) {
		vfree(sim->rec);
		sim->rec = NULL;
		return -ENOMEM;
	}

	snprintf(sim->serial, sizeof(sim->serial), "SIM-%08u", sim->node.id);
	sim->cfg.hw.model = "pen-sim";
	sim->cfg.hw.serial = sim->serial;
	sim->cfg.hw.buttons = (sim->cfg.buttons ? PEN_BUTTONS_HANDPIECE : 0) |
			      (sim->cfg.footswitch ?
			       BIT(PEN_BUTTON_FOOTSWITCH) : 0);
	sim->cfg.hw.can_sleep = sim->cfg.threaded;

	pen = pen_register(&sim->dev, "pen_sim", &pen_sim_ops, &sim->cfg.hw,
			   sim);
	if (IS_ERR(pen)) {
		vfree(sim->spans);
		sim->spans = NULL;
		vfree(sim->rec);
		sim->rec = NULL;
		return PTR_ERR(pen);
	}
	/*
	 * Keep the pen allocated until our lag timer is cancelled, which can
	 * only be done after pen_unregister() has stopped the strokes.
	 */
	get_device(pen_to_dev(pen));
	sim->pen = pen;
	if (sim->cfg.cartridge_budget) {
		u64 id = atomic64_inc_return(&pen_sim_cartridge_ids);

		pen_report_cartridge_inserted(pen, id,
					      sim->cfg.cartridge_budget);
	}

	sim->debugfs = debugfs_create_dir(dev_name(&sim->dev), debugfs_root);
	debugfs_create_file("strokes", 0400, sim->debugfs, sim,
			    &pen_sim_strokes_fops);
	debugfs_create_file("state", 0400, sim->debugfs, sim,
			    &pen_sim_state_fops);
	debugfs_create_file("drive", 0400, sim->debugfs, sim,
			    &pen_sim_spans_fops);
	pen_sim_inject_add(sim);
	return 0;
}

void pen_sim_pen_remove(struct pen_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	pen_unregister(sim->pen);
	hrtimer_cancel(&sim->lag_timer);
	put_device(pen_to_dev(sim->pen));
	sim->pen = NULL;
	vfree(sim->spans);
	sim->spans = NULL;
	vfree(sim->rec);
	sim->rec = NULL;
}
