// SPDX-License-Identifier: GPL-2.0
/*
 * What a pen is and what it has done, for people and scripts: read-only
 * sysfs attributes for its identity, limits and counters (documented in
 * docs/ABI/sysfs-class-pen), and in debugfs the detail that is not ABI:
 * stroke timing statistics, the cuts a sleeping backend's stops waited
 * for, the stroke thread's wake-ups and lead, and each open file's event
 * ring.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/kfifo.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include "pen-internal.h"

/* Identity and the hardware's limits never change after registration. */

/*
 * The backend's name is "backend", not "driver": a device's "driver" in
 * sysfs is the driver core's link to its bound driver, and udev reads it
 * as one on every device below (rules with DRIVERS==): a file there makes
 * udev fail the event of the buttons' input device, which then gets
 * neither its group nor its properties.
 */
static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pen_device(dev)->driver);
}
static DEVICE_ATTR_RO(backend);

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pen_device(dev)->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pen_device(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

/* A limit of the hardware: a u32 in struct pen_hw_info. */
struct pen_hw_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t pen_hw_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct pen_hw_attr *ha = container_of(attr, struct pen_hw_attr, attr);
	const struct pen_hw_info *hw = &to_pen_device(dev)->hw;

	return sysfs_emit(buf, "%u\n", *(const u32 *)((const char *)hw +
							ha->offset));
}

#define PEN_HW_ATTR(_name, _field)					\
	static struct pen_hw_attr dev_attr_##_name = {			\
		.attr = __ATTR(_name, 0444, pen_hw_show, NULL),		\
		.offset = offsetof(struct pen_hw_info, _field),		\
	}

PEN_HW_ATTR(needle_count, needle_count);
PEN_HW_ATTR(depth_min_um, depth_min_um);
PEN_HW_ATTR(depth_max_um, depth_max_um);
PEN_HW_ATTR(depth_step_um, depth_step_um);
PEN_HW_ATTR(rate_min_mhz, rate_min_mhz);
PEN_HW_ATTR(rate_max_mhz, rate_max_mhz);

static struct attribute *pen_info_attrs[] = {
	&dev_attr_backend.attr,
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_needle_count.attr.attr,
	&dev_attr_depth_min_um.attr.attr,
	&dev_attr_depth_max_um.attr.attr,
	&dev_attr_depth_step_um.attr.attr,
	&dev_attr_rate_min_mhz.attr.attr,
	&dev_attr_rate_max_mhz.attr.attr,
	NULL
};

const struct attribute_group pen_info_group = {
	.attrs = pen_info_attrs,
};

/* stats/: counters since registration, read under the timer's lock. */

ssize_t pen_stat_show(struct device *dev, struct device_attribute *attr,
		      char *buf)
{
	struct pen_stat_attr *sa = container_of(attr, struct pen_stat_attr,
						attr);
	struct pen_device *pen = to_pen_device(dev);
	u64 v;

	raw_spin_lock_irq(&pen->slock);
	v = *(u64 *)((char *)pen + sa->offset);
	raw_spin_unlock_irq(&pen->slock);
	return sysfs_emit(buf, "%llu\n", v);
}

PEN_STAT_ATTR(strokes, strokes);
PEN_STAT_ATTR(missed_strokes, missed);
PEN_STAT_ATTR(max_lateness_ns, timing.max_ns);
PEN_STAT_ATTR(events_lost, events_lost);

static struct attribute *pen_stats_attrs[] = {
	&pen_stat_attr_strokes.attr.attr,
	&pen_stat_attr_missed_strokes.attr.attr,
	&pen_stat_attr_max_lateness_ns.attr.attr,
	&pen_stat_attr_events_lost.attr.attr,
	NULL
};

const struct attribute_group pen_stats_group = {
	.name = "stats",
	.attrs = pen_stats_attrs,
};

/* debugfs: /sys/kernel/debug/pen/penN/{timing,readers,cuts,wakeups} */

static struct dentry *pen_debugfs_root;

/* @t's count, min, mean and max, then its histogram of @what. */
static void pen_timing_print(struct seq_file *m, const struct pen_timing *t,
			     const char *what, const char *unit)
{
	u64 mean = t->count ? div64_u64(t->sum_ns, t->count) : 0;
	unsigned int b;

	seq_printf(m, "%s: min %llu mean %llu max %llu\n", what,
		   t->count ? t->min_ns : 0, mean, t->max_ns);
	seq_printf(m, "# %s from to: %s\n", what, unit);
	for (b = 0; b < PEN_LATENESS_BUCKETS; b++) {
		u64 lo = b ? 1ULL << (b - 1) : 0;

		if (!t->hist[b])
			continue;
		if (b == PEN_LATENESS_BUCKETS - 1)
			seq_printf(m, "%llu -: %llu\n", lo, t->hist[b]);
		else
			seq_printf(m, "%llu %llu: %llu\n", lo, 1ULL << b,
				   t->hist[b]);
	}
}

/**
 * struct pen_debug_snap - what timing, cuts and wakeups print, copied at
 *	once
 * @timing: the stroke timing, the deferred cuts' or the stroke thread's
 *	wake-ups, as asked
 * @missed: stroke periods missed since registration
 * @pending: a deferred cut is pending now
 * @asked_ns: since when
 * @call_max_ns: the longest backend call made under hw_lock
 * @lead_ns: the stroke thread's lead now
 */
struct pen_debug_snap {
	struct pen_timing timing;
	u64 missed;
	bool pending;
	u64 asked_ns;
	u64 call_max_ns;
	u64 lead_ns;
};

/*
 * A snapshot under slock, of @which (one of pen->st's timings) and the
 * rest, as the timer keeps running while it prints; allocated (the
 * histogram is large for a stack). kfree() it.
 */
static struct pen_debug_snap *pen_debug_snap(struct pen_device *pen,
					     const struct pen_timing *which)
{
	struct pen_debug_snap *d = kmalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	raw_spin_lock_irq(&pen->slock);
	d->timing = *which;
	d->lead_ns = pen->st.lead_ns;
	d->missed = pen->st.missed;
	d->pending = pen->st.cut_pending;
	d->asked_ns = pen->st.cut_asked_ns;
	d->call_max_ns = pen->st.call_max_ns;
	raw_spin_unlock_irq(&pen->slock);
	return d;
}

static int pen_timing_show(struct seq_file *m, void *v)
{
	struct pen_device *pen = m->private;
	struct pen_debug_snap *d = pen_debug_snap(pen, &pen->st.timing);

	if (!d)
		return -ENOMEM;
	seq_printf(m, "strokes: %llu\n", d->timing.count);
	seq_printf(m, "missed: %llu\n", d->missed);
	pen_timing_print(m, &d->timing, "lateness_ns", "strokes");
	kfree(d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_timing);

/*
 * Cuts of a sleeping backend's drive that a stop decided under the
 * spinlock had to leave to the stroke thread (or to the next task to stop
 * or start the pen): how many, whether one is pending now and since when,
 * how long each waited from the stop to the drive being off, and the
 * longest backend call made under hw_lock (a stroke or a power-up), which
 * such a cut may wait for.
 */
static int pen_cuts_show(struct seq_file *m, void *v)
{
	struct pen_device *pen = m->private;
	struct pen_debug_snap *d = pen_debug_snap(pen, &pen->st.cut_timing);

	if (!d)
		return -ENOMEM;
	seq_printf(m, "deferred: %llu\n", d->timing.count + d->pending);
	seq_printf(m, "pending: %d\n", d->pending);
	seq_printf(m, "pending_since_ns: %llu\n",
		   d->pending ? d->asked_ns : 0);
	seq_printf(m, "longest_call_ns: %llu\n", d->call_max_ns);
	pen_timing_print(m, &d->timing, "delay_ns", "cuts");
	kfree(d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_cuts);

/*
 * The stroke thread's wake-ups, from the timer's expiry to the thread
 * running, and the lead it learnt from them: the timer fires that long
 * before each stroke's ideal time, and the thread waits out what its
 * wake-up left of it (pen-stroke-thread.c). Empty on the hard-irq path.
 */
static int pen_wakeups_show(struct seq_file *m, void *v)
{
	struct pen_device *pen = m->private;
	struct pen_debug_snap *d = pen_debug_snap(pen, &pen->st.wake_timing);

	if (!d)
		return -ENOMEM;
	seq_printf(m, "wakeups: %llu\n", d->timing.count);
	seq_printf(m, "lead_ns: %llu\n", d->lead_ns);
	pen_timing_print(m, &d->timing, "wake_ns", "wakeups");
	kfree(d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_wakeups);

static int pen_readers_show(struct seq_file *m, void *v)
{
	struct pen_device *pen = m->private;
	struct pen_file *pf;

	seq_puts(m, "# queued lost_now lost_total\n");
	raw_spin_lock_irq(&pen->slock);
	list_for_each_entry(pf, &pen->st.readers, node)
		seq_printf(m, "%u %llu %llu\n", kfifo_len(&pf->events),
			   pf->lost, pf->lost_total);
	raw_spin_unlock_irq(&pen->slock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pen_readers);

/* debugfs is best effort: a pen without it works the same. */
void pen_debugfs_module_init(void)
{
	pen_debugfs_root = debugfs_create_dir("pen", NULL);
}

void pen_debugfs_module_exit(void)
{
	debugfs_remove_recursive(pen_debugfs_root);
}

void pen_debugfs_add(struct pen_device *pen)
{
	pen->debugfs = debugfs_create_dir(dev_name(&pen->dev),
					  pen_debugfs_root);
	debugfs_create_file("timing", 0444, pen->debugfs, pen,
			    &pen_timing_fops);
	debugfs_create_file("readers", 0444, pen->debugfs, pen,
			    &pen_readers_fops);
	debugfs_create_file("cuts", 0444, pen->debugfs, pen, &pen_cuts_fops);
	debugfs_create_file("wakeups", 0444, pen->debugfs, pen,
			    &pen_wakeups_fops);
}

/* Waits for any reader of the files, so the pen may go after it. */
void pen_debugfs_remove(struct pen_device *pen)
{
	debugfs_remove_recursive(pen->debugfs);
	pen->debugfs = NULL;
}
