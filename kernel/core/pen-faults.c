// SPDX-License-Identifier: GPL-2.0
/*
 * What the hardware reports, judged: a stroke deeper than commanded, a
 * run of strokes that fall short, and faults the hardware raises itself
 * stop the needle at once and latch (pen_fault_locked()). Their limits
 * are module parameters; the counts of each kind are in sysfs.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "pen-internal.h"

unsigned int pen_depth_tolerance_um = 150;
module_param_named(depth_tolerance_um, pen_depth_tolerance_um, uint, 0644);
MODULE_PARM_DESC(depth_tolerance_um,
		 "how far a stroke may miss its depth before it is a fault (default 150 um)");

unsigned int pen_stall_strokes = 3;
module_param_named(stall_strokes, pen_stall_strokes, uint, 0644);
MODULE_PARM_DESC(stall_strokes,
		 "strokes in a row short by more than the tolerance that make a stall (default 3)");

unsigned int pen_max_missed_strokes = 2;
module_param_named(max_missed_strokes, pen_max_missed_strokes, uint, 0644);
MODULE_PARM_DESC(max_missed_strokes,
		 "stroke periods the loop may miss in a row before it is a timing fault (default 2)");

/**
 * pen_report_stroke() - the hardware measured a stroke
 * @pen: the pen
 * @seq: the stroke's sequence number, as passed to ops->stroke()
 * @reached_um: the depth the needle reached
 *
 * Deeper than commanded by more than the tolerance is an over-depth fault
 * at once, the most serious there is. Short by more than the tolerance
 * for stall_strokes strokes in a row is a stall. Reports for strokes too
 * old to judge are ignored. Context: any.
 */
void pen_report_stroke(struct pen_device *pen, u64 seq, u32 reached_um)
{
	u32 tol = READ_ONCE(pen_depth_tolerance_um);
	unsigned long flags;
	u64 now = ktime_get_ns();
	u32 cmd;

	raw_spin_lock_irqsave(&pen->slock, flags);
	if (seq >= pen->st.seq || pen->st.seq - seq > PEN_CMD_HISTORY)
		goto out;
	cmd = pen->st.hist[seq % PEN_CMD_HISTORY].cmd_um;
	pen->st.last_reached_um = reached_um;
	/* The stroke's record first, then whatever it turns out to cause. */
	pen_ev_stroke_reached_locked(pen, seq, reached_um, now);

	if (reached_um > cmd && reached_um - cmd > tol) {
		pen_fault_locked(pen, PEN_FAULT_OVER_DEPTH, reached_um - cmd,
				 now);
	} else if (reached_um < cmd && cmd - reached_um > tol) {
		if (++pen->st.short_strokes >= READ_ONCE(pen_stall_strokes))
			pen_fault_locked(pen, PEN_FAULT_STALL,
					 cmd - reached_um, now);
	} else {
		pen->st.short_strokes = 0;
	}
out:
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}
EXPORT_SYMBOL_GPL(pen_report_stroke);

/**
 * pen_report_fault() - the hardware raised a fault
 * @pen: the pen
 * @fault: PEN_FAULT_OVERCURRENT, PEN_FAULT_OVERTEMP or PEN_FAULT_SUPPLY_LOW
 * @value: its reading: mA, milli-degC or mV
 *
 * The needle stops at once and the fault latches. Context: any.
 */
void pen_report_fault(struct pen_device *pen, u32 fault, u32 value)
{
	unsigned long flags;

	if (WARN_ON_ONCE(fault != PEN_FAULT_OVERCURRENT &&
			 fault != PEN_FAULT_OVERTEMP &&
			 fault != PEN_FAULT_SUPPLY_LOW))
		fault = PEN_FAULT_OVERCURRENT;	/* still stop: never ignore */

	raw_spin_lock_irqsave(&pen->slock, flags);
	pen_fault_locked(pen, fault, value, ktime_get_ns());
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}
EXPORT_SYMBOL_GPL(pen_report_fault);

/* sysfs: /sys/class/pen/penN/faults/<kind>, faults of each kind so far. */

PEN_STAT_ATTR(over_depth, fault_counts[PEN_FAULT_OVER_DEPTH]);
PEN_STAT_ATTR(stall, fault_counts[PEN_FAULT_STALL]);
PEN_STAT_ATTR(overcurrent, fault_counts[PEN_FAULT_OVERCURRENT]);
PEN_STAT_ATTR(overtemp, fault_counts[PEN_FAULT_OVERTEMP]);
PEN_STAT_ATTR(supply_low, fault_counts[PEN_FAULT_SUPPLY_LOW]);
PEN_STAT_ATTR(timing, fault_counts[PEN_FAULT_TIMING]);
PEN_STAT_ATTR(watchdog, fault_counts[PEN_FAULT_WATCHDOG]);

static struct attribute *pen_fault_attrs[] = {
	&pen_stat_attr_over_depth.attr.attr,
	&pen_stat_attr_stall.attr.attr,
	&pen_stat_attr_overcurrent.attr.attr,
	&pen_stat_attr_overtemp.attr.attr,
	&pen_stat_attr_supply_low.attr.attr,
	&pen_stat_attr_timing.attr.attr,
	&pen_stat_attr_watchdog.attr.attr,
	NULL
};

const struct attribute_group pen_fault_group = {
	.name = "faults",
	.attrs = pen_fault_attrs,
};
