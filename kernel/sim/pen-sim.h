/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pen_sim: a simulated pen, shared by the files of the pen_sim module.
 */
#ifndef _PEN_SIM_H
#define _PEN_SIM_H

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pen-backend.h"
#include "pen-simbus.h"

/**
 * struct pen_sim_stroke - what the simulated actuator was told and did
 * @seq: the core's stroke sequence number
 * @cmd_ns: when the stroke was commanded (CLOCK_MONOTONIC)
 * @reach_ns: when the needle reached its depth; 0 if it never did
 * @cmd_um: commanded depth
 * @reached_um: depth reached
 */
struct pen_sim_stroke {
	u64 seq;
	u64 cmd_ns;
	u64 reach_ns;
	u32 cmd_um;
	u32 reached_um;
};

/**
 * struct pen_sim_span - one time the drive was powered
 * @on_ns: when drive_enable() powered it (CLOCK_MONOTONIC)
 * @off_ns: when drive_disable() cut it; 0 while it is on
 */
struct pen_sim_span {
	u64 on_ns;
	u64 off_ns;
};

/* Drive spans kept, the oldest dropped (counted): 256 KiB. */
#define PEN_SIM_SPANS		16384

/**
 * struct pen_sim_config - an instance's settings, fixed at creation
 * @hw: limits reported to the core
 * @lag_us: time the needle takes to reach a commanded depth
 * @record_size: strokes the record keeps; older ones are dropped, counted
 * @cartridge_budget: strokes of the cartridge inserted at creation; 0 for
 *	none
 * @buttons: 1 if the pen has its main and speed buttons, 0 if not
 * @footswitch: 1 if a footswitch is wired, 0 if not
 * @threaded: 1 to tell the core our calls may sleep, so that it drives
 *	this pen from its stroke thread (the path sleeping hardware takes)
 */
struct pen_sim_config {
	struct pen_hw_info hw;
	u32 lag_us;
	u32 record_size;
	u32 cartridge_budget;
	u32 buttons;
	u32 footswitch;
	u32 threaded;
};

/**
 * struct pen_sim - one simulated pen
 * @dev: the instance's device on the pen_sim bus
 * @node: its place on the bus: the instance list and its number (id)
 * @cfg: settings
 * @serial: serial number string
 * @pen: the pen registered with the core
 * @debugfs: this instance's debugfs directory
 * @inject: its "inject" file
 * @lock: everything below; raw, as it is taken in hard-irq timers
 * @lag_timer: fires when the needle reaches the commanded depth
 * @drive_on: the drive is powered
 * @in_flight: a stroke is on its way down
 * @needle_um: where the needle is
 * @target_um: where the stroke in flight will end
 * @drive_enables: times the drive was powered
 * @drive_disables: times the drive was cut while powered
 * @drive_on_ns: when the drive was last powered
 * @drive_off_ns: when the drive was last cut
 * @inj_depth_um: injected: every stroke reaches this much deeper (or,
 *	negative, shallower) than commanded
 * @inj_stall_in: injected: strokes until the needle jams at 0; -1 never
 * @inj_late_us: injected: the next stroke spins this long in the timer
 * @inject_ns: when the last injection was written
 * @rec: the stroke record, a ring of cfg.record_size entries
 * @rec_count: strokes ever recorded; rec[rec_count % size] is next
 * @spans: the drive's record, a ring of PEN_SIM_SPANS entries, so that
 *	tests can tell how long it stayed on after each stop
 * @span_count: spans ever recorded; spans[span_count % size] is next
 */
struct pen_sim {
	struct device dev;
	struct pen_simbus_node node;
	struct pen_sim_config cfg;
	char serial[32];
	struct pen_device *pen;
	struct dentry *debugfs;
	struct pen_simbus_inject_file inject;

	raw_spinlock_t lock;
	struct hrtimer lag_timer;
	bool drive_on;
	bool in_flight;
	u32 needle_um;
	u32 target_um;
	u64 drive_enables;
	u64 drive_disables;
	u64 drive_on_ns;
	u64 drive_off_ns;
	s32 inj_depth_um;
	s32 inj_stall_in;
	u32 inj_late_us;
	u64 inject_ns;
	struct pen_sim_stroke *rec;
	u64 rec_count;
	struct pen_sim_span *spans;
	u64 span_count;
};

/* pen-sim-pen.c: the simulated hardware */
int pen_sim_pen_add(struct pen_sim *sim, struct dentry *debugfs_root);
void pen_sim_pen_remove(struct pen_sim *sim);

/* pen-sim-inject.c: the faults, cartridges and buttons tests inject */
void pen_sim_inject_add(struct pen_sim *sim);

#endif /* _PEN_SIM_H */
