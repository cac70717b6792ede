/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State of one pen, shared by the files of the core module.
 */
#ifndef _PEN_INTERNAL_H
#define _PEN_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/pen.h>

#include "pen-backend.h"

/* Fault kinds, PEN_FAULT_NONE included, for the per-kind counters. */
#define PEN_FAULT_KINDS		(PEN_FAULT_WATCHDOG + 1)
/* Commanded depths kept to check the hardware's late reports against. */
#define PEN_CMD_HISTORY		4

/* Limits every pen's faults are judged by; module parameters. */
extern unsigned int pen_depth_tolerance_um;
extern unsigned int pen_stall_strokes;
extern unsigned int pen_max_missed_strokes;

/**
 * struct pen_device - one pen, /dev/penN
 * @dev: the class device; its refcount is the pen's lifetime
 * @cdev: the character device, found again with container_of() in open
 * @id: N in penN
 * @driver: backend driver name
 * @model: hardware model, copied from the backend
 * @serial: serial number, copied from the backend
 * @hw: limits, copied from the backend (string pointers cleared)
 * @drvdata: the backend's private data
 * @lock: serialises ownership (@controller), starts and removal; held
 *	across the sleeping drive_enable() call, never by the stroke timer
 * @controller: the file open for writing that controls the pen, or NULL
 * @slock: raw spinlock for everything the hard-irq stroke timer reads or
 *	writes; raw so it stays a spinning lock on PREEMPT_RT
 * @ops: backend operations; NULL once the pen is unregistered (@slock)
 * @timer: the stroke timer, on an absolute schedule (@slock for the rest)
 * @running: the needle is running
 * @depth_um: depth setpoint, applied at the next stroke boundary
 * @rate_mhz: rate setpoint, applied at the next stroke boundary
 * @period_ns: stroke period for @rate_mhz, rounded to the nanosecond
 * @stop_gen: bumped by every stop, so a start that powered the drive
 *	while a stop came in knows to give up
 * @stop_reason: PEN_STOP_*, why the needle last stopped
 * @last_reached_um: depth reached on the last reported stroke
 * @seq: sequence number of the next stroke
 * @strokes: strokes issued since registration
 * @run_strokes: strokes issued since the last start
 * @missed: stroke periods missed since registration
 * @run_missed: stroke periods missed since the last start
 * @started_ns: when the needle last started
 * @stopped_ns: when the needle last stopped; 0 while it runs
 * @last_stroke_ns: when the last stroke was issued
 * @max_lateness_ns: worst stroke lateness since the last start
 * @depth_cap_um: the deepest depth allowed now: the lower of the
 *	hardware's maximum and the administrator's cap
 * @max_run_time_ns: a run stops by itself after this long
 * @watchdog_ns: the controller's watchdog timeout; 0 when disarmed
 * @last_kick_ns: when the controller last kicked it (or started)
 * @cart_state: PEN_CARTRIDGE_*
 * @cart_id: the inserted cartridge's id
 * @cart_budget: strokes it is good for
 * @cart_strokes: strokes made with it
 * @used_cartridges: ids of every cartridge inserted since registration,
 *	so that none is used twice (@lock)
 * @cmd_um: depth commanded for the last PEN_CMD_HISTORY strokes, by seq
 * @short_strokes: strokes in a row that fell short of their depth
 * @fault: PEN_FAULT_*, the latched fault
 * @fault_value: what it measured
 * @fault_ns: when it latched
 * @fault_seq: the stroke it latched at
 * @fault_counts: faults of each kind since registration
 */
struct pen_device {
	struct device dev;
	struct cdev cdev;
	int id;
	char driver[PEN_NAME_LEN];
	char model[PEN_NAME_LEN];
	char serial[PEN_NAME_LEN];
	struct pen_hw_info hw;
	void *drvdata;

	struct mutex lock;		/* see @lock above */
	struct file *controller;

	raw_spinlock_t slock;
	const struct pen_ops *ops;
	struct hrtimer timer;
	bool running;
	u32 depth_um;
	u32 rate_mhz;
	u64 period_ns;
	u32 stop_gen;
	u32 stop_reason;
	u32 last_reached_um;
	u64 seq;
	u64 strokes;
	u64 run_strokes;
	u64 missed;
	u64 run_missed;
	u64 started_ns;
	u64 stopped_ns;
	u64 last_stroke_ns;
	u64 max_lateness_ns;
	u32 depth_cap_um;
	u64 max_run_time_ns;
	u64 watchdog_ns;
	u64 last_kick_ns;
	u32 cart_state;
	u64 cart_id;
	u32 cart_budget;
	u64 cart_strokes;
	struct xarray used_cartridges;
	u32 cmd_um[PEN_CMD_HISTORY];
	u32 short_strokes;
	u32 fault;
	u32 fault_value;
	u64 fault_ns;
	u64 fault_seq;
	u64 fault_counts[PEN_FAULT_KINDS];
};

static inline struct pen_device *to_pen_device(struct device *dev)
{
	return container_of(dev, struct pen_device, dev);
}

/*
 * pen-rules.c: the rules that need no device. These, pen_start(),
 * pen_stop() and pen_set_setpoints() are exported to the KUnit tests
 * (pen-kunit.c) when the kernel has KUnit, and to nothing else.
 */
u64 pen_rate_to_period_ns(u32 rate_mhz);
int pen_check_params(const struct pen_hw_info *hw, const struct pen_params *p);
int pen_check_hw_info(const struct pen_ops *ops, const struct pen_hw_info *hw);

/* pen-stroke.c */
void pen_stroke_init(struct pen_device *pen);
int pen_start(struct pen_device *pen);
int pen_stop(struct pen_device *pen, u32 reason);
void pen_detach(struct pen_device *pen);
void pen_fault_locked(struct pen_device *pen, u32 fault, u32 value,
		      u64 now_ns);
bool pen_clear_fault(struct pen_device *pen);
void pen_set_watchdog(struct pen_device *pen, u32 timeout_ms);
void pen_halt_locked(struct pen_device *pen, u32 reason, u64 now_ns);
void pen_kick_watchdog(struct pen_device *pen);
int pen_set_setpoints(struct pen_device *pen, u32 mask, u32 depth_um,
		      u32 rate_mhz);

/* pen-faults.c */
extern const struct attribute_group pen_fault_group;

/* pen-limits.c */
extern const struct attribute_group *pen_dev_groups[];
void pen_limits_init(struct pen_device *pen);
int pen_limits_module_init(void);

/* pen-cdev.c */
extern const struct file_operations pen_fops;

#endif /* _PEN_INTERNAL_H */
