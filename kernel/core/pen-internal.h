/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State of one pen, shared by the files of the core module.
 */
#ifndef _PEN_INTERNAL_H
#define _PEN_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kfifo.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rtmutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/pen.h>

#include "pen-backend.h"

struct input_dev;

/* Fault kinds, PEN_FAULT_NONE included, for the per-kind counters. */
#define PEN_FAULT_KINDS		(PEN_FAULT_WATCHDOG + 1)
/*
 * Strokes kept until the hardware reports them: what was commanded, to
 * judge the report, and the rest of the stroke's event record.
 */
#define PEN_CMD_HISTORY		4
/* Lateness histogram buckets: [0, 1) ns, then [2^(k-1), 2^k) ns. */
#define PEN_LATENESS_BUCKETS	40

/**
 * struct pen_stroke_rec - a stroke issued, waiting for its outcome
 * @issued_ns: when
 * @lateness_ns: after its ideal time
 * @cmd_um: depth commanded
 * @missed: periods skipped right before it
 * @rate_mhz: rate in force
 */
struct pen_stroke_rec {
	u64 issued_ns;
	u64 lateness_ns;
	u32 cmd_um;
	u32 missed;
	u32 rate_mhz;
};

/**
 * struct pen_timing - stroke timing since registration, for debugfs
 * @count: strokes measured
 * @sum_ns: their lateness added up
 * @min_ns: least lateness
 * @max_ns: most lateness
 * @hist: lateness histogram, see PEN_LATENESS_BUCKETS
 */
struct pen_timing {
	u64 count;
	u64 sum_ns;
	u64 min_ns;
	u64 max_ns;
	u64 hist[PEN_LATENESS_BUCKETS];
};

/**
 * struct pen_file - one open file of /dev/penN: its own event ring
 * @pen: the pen
 * @node: in pen->st.readers (pen->slock)
 * @read_lock: one read() at a time takes records out of @events
 * @events: the ring; filled under pen->slock, emptied under @read_lock
 * @lost: events that did not fit since the last overflow record
 *	(pen->slock), with the time and seq of the first
 * @lost_ns: see @lost
 * @lost_seq: see @lost
 * @lost_total: events this file lost since it was opened (pen->slock)
 */
struct pen_file {
	struct pen_device *pen;
	struct list_head node;
	struct mutex read_lock;		/* see @read_lock above */
	DECLARE_KFIFO_PTR(events, struct pen_event);
	u64 lost;
	u64 lost_ns;
	u64 lost_seq;
	u64 lost_total;
};

/* Limits every pen's faults are judged by; module parameters. */
extern unsigned int pen_depth_tolerance_um;
extern unsigned int pen_stall_strokes;
extern unsigned int pen_max_missed_strokes;

/**
 * enum pen_run - the stroke loop's state, pen->st.run (pen->slock)
 * @PEN_RUN_STOPPED: the needle is still; a start may run it
 * @PEN_RUN_RUNNING: the stroke loop runs
 * @PEN_RUN_ENDING: the needle still runs, but its pen is being removed:
 *	nothing changes its setpoints, and the stop for the removal is on
 *	its way (pen_detach())
 * @PEN_RUN_REMOVING: the needle is still and its pen is being removed:
 *	nothing starts it, though pen->st.ops stays set until a start in
 *	progress is out of the backend
 * @PEN_RUN_DETACHED: pen->st.ops is cleared: the backend is never called
 *	again and every ioctl fails with -ENODEV
 *
 * Only pen_set_run_locked() moves it, and only along these transitions
 * (docs/design.md has the diagram):
 *
 *	STOPPED  -> RUNNING   pen_start()
 *	RUNNING  -> STOPPED   any stop (pen_record_stop_locked())
 *	STOPPED  -> REMOVING  pen_detach() begins
 *	RUNNING  -> ENDING    pen_detach() begins
 *	ENDING   -> REMOVING  any stop, the one for the removal at the latest
 *	REMOVING -> DETACHED  pen_detach() clears pen->st.ops
 *
 * Beside it, and not part of the state: stop_gen counts stops (a start
 * that powered the drive meanwhile gives up), cut_pending says a stop's
 * cut of a sleeping drive is still owed, tick_pending hands a stroke
 * boundary to the stroke thread; the latched fault and the cartridge's
 * state refuse a start but do not stop a pen from being STOPPED.
 */
enum pen_run {
	PEN_RUN_STOPPED,
	PEN_RUN_RUNNING,
	PEN_RUN_ENDING,
	PEN_RUN_REMOVING,
	PEN_RUN_DETACHED,
};

/**
 * struct pen_loop_ops - the stroke loop's half that depends on the backend
 * @tick_locked: the stroke timer reached a boundary of a running needle
 *	(hard-irq, slock held); return true to re-arm it for the next one
 * @cut_locked: cut the drive now, or ask for the cut (slock held, ops
 *	set, any context)
 * @cut_now: make a cut that @cut_locked left pending, from the task that
 *	decided the stop (process context, no lock held)
 * @claim: a task's turn at the backend, before it powers or cuts the
 *	drive (process context, slock not held); @unclaim ends it
 * @unclaim: see @claim
 * @power_up: power the drive, claimed (drive_enable(), if any)
 * @cut_begin: a task's cut, claimed, before it takes slock: a sleeping
 *	backend is cut here
 * @cut_end_locked: the same cut's second half, slock then held: a backend
 *	that cannot sleep is cut here, and a sleeping one's cut recorded
 * @attach: at registration, before the pen's node exists
 * @detach: at unregistration, once nothing wakes the loop any more
 *
 * One of two instances, chosen once by pen_register() from hw.can_sleep:
 * pen_irq_loop (pen-stroke.c), whose backend is called from the hard-irq
 * timer under slock, and pen_thread_loop (pen-stroke-thread.c), whose
 * backend is called from the pen's stroke thread or a task, under
 * hw_lock, never under slock. Nothing else asks which one a pen has.
 */
struct pen_loop_ops {
	bool (*tick_locked)(struct pen_device *pen, ktime_t now);
	void (*cut_locked)(struct pen_device *pen, u64 now_ns);
	void (*cut_now)(struct pen_device *pen);
	void (*claim)(struct pen_device *pen);
	void (*unclaim)(struct pen_device *pen);
	int (*power_up)(struct pen_device *pen);
	void (*cut_begin)(struct pen_device *pen);
	void (*cut_end_locked)(struct pen_device *pen, u64 now_ns);
	int (*attach)(struct pen_device *pen);
	void (*detach)(struct pen_device *pen);
};

extern const struct pen_loop_ops pen_irq_loop;
extern const struct pen_loop_ops pen_thread_loop;

/**
 * struct pen_ctl - what pen->lock guards, the mutex of ownership, starts
 *	and removal
 * @controller: the file open for writing that controls the pen, or NULL
 * @drvdata: the backend's private data; cleared at removal
 * @used_cartridges: ids of every cartridge inserted since registration,
 *	so that none is used twice
 * @input: the input device of its buttons, or NULL
 * @input_phys: its phys, "penN/input0"
 */
struct pen_ctl {
	struct file *controller;
	void *drvdata;
	struct xarray used_cartridges;
	struct input_dev *input;
	char input_phys[PEN_NAME_LEN];
};

/**
 * struct pen_state - what pen->slock guards: everything the hard-irq
 *	stroke timer reads or writes
 * @ops: backend operations; NULL once the pen is detached (also stable
 *	under pen->hw_lock, which its clearing takes)
 * @run: the stroke loop's state, see enum pen_run
 * @stop_gen: bumped by every stop, so a start that powered the drive
 *	while a stop came in knows to give up
 * @stop_reason: PEN_STOP_*, why the needle last stopped
 * @tick_pending: the timer signalled a stroke boundary the thread has not
 *	handled yet
 * @lead_ns: the timer fires this long before each stroke's ideal time,
 *	which the stroke thread then waits out (its wake-up comes first);
 *	0 on the hard-irq path
 * @wake_max_ns: the stroke thread's worst recent wake-up, from the
 *	timer's expiry to the thread running: decaying, the lead it learns
 * @wake_timing: the stroke thread's wake-ups
 * @cut_pending: the needle stopped where a sleeping backend's drive could
 *	not be cut at once, and no drive_disable() since has returned; the
 *	stroke thread, or a task that stops or starts the pen, cuts it
 * @cut_asked_ns: when the oldest stop still waiting for that cut was made
 * @cut_timing: deferred cuts: the time from the stop to the return of the
 *	drive_disable() that cut the drive
 * @call_max_ns: the longest backend call made under pen->hw_lock, a
 *	stroke or a power-up: a deferred cut may have to wait for one
 * @depth_um: depth setpoint, applied at the next stroke boundary
 * @rate_mhz: rate setpoint, applied at the next stroke boundary
 * @period_ns: stroke period for @rate_mhz, rounded to the nanosecond
 * @depth_cap_um: the deepest depth allowed now: the lower of the
 *	hardware's maximum and the administrator's cap
 * @max_run_time_ns: a run stops by itself after this long
 * @watchdog_ns: the controller's watchdog timeout; 0 when disarmed
 * @last_kick_ns: when the controller last kicked it (or started)
 * @pedal_down: the footswitch is held down, as last reported
 * @hold_ctl: the controller asked for hold-to-run (pen-hold.c)
 * @hold_policy: the administrator requires hold-to-run
 * @last_reached_um: depth reached on the last reported stroke
 * @seq: sequence number of the next stroke
 * @strokes: strokes issued since registration
 * @run_strokes: strokes issued since the last start
 * @missed: stroke periods missed since registration
 * @run_missed: stroke periods missed since the last start
 * @skipped: boundaries in a row whose stroke the backend could not make
 *	yet (-EAGAIN), missed ones the next stroke made carries
 * @started_ns: when the needle last started
 * @stopped_ns: when the needle last stopped; 0 while it runs
 * @last_stroke_ns: when the last stroke was issued
 * @max_lateness_ns: worst stroke lateness since the last start
 * @timing: stroke timing statistics
 * @cart_state: PEN_CARTRIDGE_*
 * @cart_id: the inserted cartridge's id
 * @cart_budget: strokes it is good for
 * @cart_strokes: strokes made with it
 * @short_strokes: strokes in a row that fell short of their depth
 * @fault: PEN_FAULT_*, the latched fault
 * @fault_value: what it measured
 * @fault_ns: when it latched
 * @fault_seq: the stroke it latched at
 * @fault_counts: faults of each kind since registration
 * @hist: the last PEN_CMD_HISTORY strokes issued, by seq
 * @ev_seq: the first stroke whose event record is not out yet; strokes
 *	@ev_seq to @seq - 1 wait for the hardware's report
 * @readers: every open file, each with its event ring
 * @events_lost: events lost by all files since registration
 */
struct pen_state {
	/* The run state and the backend it calls. */
	const struct pen_ops *ops;
	enum pen_run run;
	u32 stop_gen;
	u32 stop_reason;
	/* The stroke thread's mailbox and the deferred cuts. */
	bool tick_pending;
	u64 lead_ns;
	u64 wake_max_ns;
	struct pen_timing wake_timing;
	bool cut_pending;
	u64 cut_asked_ns;
	struct pen_timing cut_timing;
	u64 call_max_ns;
	/* The setpoints and the limits on them. */
	u32 depth_um;
	u32 rate_mhz;
	u64 period_ns;
	u32 depth_cap_um;
	u64 max_run_time_ns;
	u64 watchdog_ns;
	u64 last_kick_ns;
	bool pedal_down;
	bool hold_ctl;
	bool hold_policy;
	/* The strokes' counters and times. */
	u32 last_reached_um;
	u64 seq;
	u64 strokes;
	u64 run_strokes;
	u64 missed;
	u64 run_missed;
	u64 skipped;
	u64 started_ns;
	u64 stopped_ns;
	u64 last_stroke_ns;
	u64 max_lateness_ns;
	struct pen_timing timing;
	/* The cartridge. */
	u32 cart_state;
	u64 cart_id;
	u32 cart_budget;
	u64 cart_strokes;
	/* The faults. */
	u32 short_strokes;
	u32 fault;
	u32 fault_value;
	u64 fault_ns;
	u64 fault_seq;
	u64 fault_counts[PEN_FAULT_KINDS];
	/* The event stream's producer side. */
	struct pen_stroke_rec hist[PEN_CMD_HISTORY];
	u64 ev_seq;
	struct list_head readers;
	u64 events_lost;
};

/**
 * struct pen_device - one pen, /dev/penN
 *
 * Its fields come in groups, by what guards them: set once at
 * registration, then only read; @ctl under @lock; nothing under @hw_lock,
 * which serialises calls rather than guards data; @st under @slock; and
 * those with locking of their own.
 *
 * @dev: the class device; its refcount is the pen's lifetime
 * @cdev: the character device, found again with container_of() in open
 * @id: N in penN
 * @driver: backend driver name
 * @model: hardware model, copied from the backend
 * @serial: serial number, copied from the backend
 * @hw: limits, copied from the backend (string pointers cleared)
 * @loop: the stroke loop's half for this backend, chosen at registration
 * @thread: the stroke thread, for a backend whose calls may sleep
 *	(pen_thread_loop), else NULL
 * @lock: serialises ownership, starts and removal; held across the
 *	sleeping drive_enable() call, never by the stroke timer
 * @ctl: what @lock guards
 * @hw_lock: serialises the calls into a backend that may sleep: the
 *	thread's strokes, power-up and every cut. An rt_mutex, so that a
 *	task holding it runs at the stroke thread's priority while the
 *	thread waits for it: a cut never waits behind a preempted task (a
 *	plain mutex has priority inheritance only on PREEMPT_RT)
 * @slock: raw spinlock for everything the hard-irq stroke timer reads or
 *	writes; raw so it stays a spinning lock on PREEMPT_RT
 * @st: what @slock guards
 * @timer: the stroke timer, on an absolute schedule; its expiry is set
 *	under @slock, and it is cancelled without it
 * @ev_wait: readers wait here for events and for removal
 * @ev_wake: wakes @ev_wait from wherever events are made, hard-irq
 *	included, where a wait queue's lock (sleeping on PREEMPT_RT) cannot
 *	be taken
 * @debugfs: the pen's debugfs directory
 */
struct pen_device {
	/* Set at registration, then only read: no lock. */
	struct device dev;
	struct cdev cdev;
	int id;
	char driver[PEN_NAME_LEN];
	char model[PEN_NAME_LEN];
	char serial[PEN_NAME_LEN];
	struct pen_hw_info hw;
	const struct pen_loop_ops *loop;
	struct task_struct *thread;

	/* The mutex of ownership, starts and removal, and what it guards. */
	struct mutex lock;		/* see @lock above */
	struct pen_ctl ctl;

	/* Guards no field: it serialises a sleeping backend's calls. */
	struct rt_mutex hw_lock;	/* see @hw_lock above */

	/* The raw spinlock the stroke timer takes, and what it guards. */
	raw_spinlock_t slock;
	struct pen_state st;

	/* Their own locking: the hrtimer's, a wait queue, an irq_work. */
	struct hrtimer timer;
	wait_queue_head_t ev_wait;
	struct irq_work ev_wake;
	struct dentry *debugfs;
};

static inline struct pen_device *to_pen_device(struct device *dev)
{
	return container_of(dev, struct pen_device, dev);
}

/* The needle runs: RUNNING, or ENDING for a pen being removed. */
static inline bool pen_running(const struct pen_device *pen)
{
	enum pen_run run = READ_ONCE(pen->st.run);

	return run == PEN_RUN_RUNNING || run == PEN_RUN_ENDING;
}

/* Being removed, or removed: nothing starts it or changes it any more. */
static inline bool pen_going(const struct pen_device *pen)
{
	return READ_ONCE(pen->st.run) >= PEN_RUN_ENDING;
}

/* Removed: the backend is never called again. Any context, any lock. */
static inline bool pen_detached(const struct pen_device *pen)
{
	return READ_ONCE(pen->st.run) == PEN_RUN_DETACHED;
}

/*
 * pen-rules.c: the rules that need no device. These, pen_start(),
 * pen_stop() and pen_set_setpoints() are exported to the KUnit tests
 * (pen-kunit.c) when the kernel has KUnit, and to nothing else.
 */
u64 pen_rate_to_period_ns(u32 rate_mhz);
int pen_check_params(const struct pen_hw_info *hw, const struct pen_params *p);
int pen_check_hw_info(const struct pen_ops *ops, const struct pen_hw_info *hw);

/*
 * pen-stroke.c: the stroke loop's core, whichever backend; its timer's
 * work at a boundary and its cuts are the pen's loop's (pen->loop).
 * *_locked need slock.
 */
void pen_stroke_init(struct pen_device *pen);
void pen_set_run_locked(struct pen_device *pen, enum pen_run to);
int pen_start(struct pen_device *pen);
int pen_stop(struct pen_device *pen, u32 reason);
void pen_detach(struct pen_device *pen);
void pen_cut_locked(struct pen_device *pen, u64 now_ns);
void pen_cut_now(struct pen_device *pen);
void pen_fault_locked(struct pen_device *pen, u32 fault, u32 value,
		      u64 now_ns);
bool pen_clear_fault(struct pen_device *pen);
void pen_set_watchdog(struct pen_device *pen, u32 timeout_ms);
void pen_halt_locked(struct pen_device *pen, u32 reason, u64 now_ns);
void pen_record_stop_locked(struct pen_device *pen, u32 reason, u64 now_ns);
void pen_kick_watchdog(struct pen_device *pen);
int pen_set_setpoints(struct pen_device *pen, u32 mask, u32 depth_um,
		      u32 rate_mhz);
bool pen_boundary_locked(struct pen_device *pen, ktime_t now,
			 u64 *lateness_ns, u64 *missed);

/*
 * The ideal time of the next stroke: the timer's expiry is lead_ns
 * before it (the stroke thread's early wake-up; 0 on the hard-irq path).
 */
static inline ktime_t pen_next_ideal_locked(struct pen_device *pen)
{
	lockdep_assert_held(&pen->slock);
	return ktime_add_ns(hrtimer_get_expires(&pen->timer),
			    pen->st.lead_ns);
}

void pen_stroke_issued_locked(struct pen_device *pen, ktime_t now,
			      u64 lateness_ns, u64 missed);

/* pen-events.c: the event stream and the tracepoints; *_locked need slock */
void pen_events_init(struct pen_device *pen);
void pen_events_release(struct pen_device *pen);
struct pen_file *pen_file_alloc(struct pen_device *pen);
void pen_file_free(struct pen_file *pf);
ssize_t pen_file_read(struct pen_file *pf, char __user *buf, size_t count,
		      bool nonblock);
__poll_t pen_file_poll(struct pen_file *pf, struct file *file,
		       poll_table *wait);
void pen_events_hangup(struct pen_device *pen);
void pen_ev_stroke_issued_locked(struct pen_device *pen, u64 now_ns,
				 u64 lateness_ns, u32 missed);
void pen_ev_stroke_reached_locked(struct pen_device *pen, u64 seq,
				  u32 reached_um, u64 now_ns);
void pen_ev_strokes_flush_locked(struct pen_device *pen);
void pen_timing_add(struct pen_timing *t, u64 lateness_ns);
void pen_ev_state_locked(struct pen_device *pen, u64 now_ns);
void pen_ev_setpoint_locked(struct pen_device *pen, u32 mask, u64 now_ns);
void pen_ev_fault_locked(struct pen_device *pen, u32 type, u32 fault,
			 u32 value, bool latched, u64 now_ns);
void pen_ev_cartridge_locked(struct pen_device *pen, u64 now_ns);

/* pen-stats.c: read-only sysfs attributes and debugfs */
/**
 * struct pen_stat_attr - a read-only sysfs attribute: one u64 of pen->st
 * @attr: the attribute, shown by pen_stat_show()
 * @offset: of the u64 in struct pen_device, read under pen->slock
 */
struct pen_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

ssize_t pen_stat_show(struct device *dev, struct device_attribute *attr,
		      char *buf);

/* pen_stat_attr_<name>, showing pen->st.<field> (pen-stats, pen-faults) */
#define PEN_STAT_ATTR(_name, _field)					\
	static struct pen_stat_attr pen_stat_attr_##_name = {		\
		.attr = __ATTR(_name, 0444, pen_stat_show, NULL),	\
		.offset = offsetof(struct pen_device, st._field),	\
	}

extern const struct attribute_group pen_info_group;
extern const struct attribute_group pen_stats_group;
void pen_debugfs_module_init(void);
void pen_debugfs_module_exit(void);
void pen_debugfs_add(struct pen_device *pen);
void pen_debugfs_remove(struct pen_device *pen);

/* pen-hold.c: hold-to-run, the footswitch as an enabling control */
bool pen_hold_to_run_locked(const struct pen_device *pen);
bool pen_hold_check_locked(struct pen_device *pen, u64 now_ns);
void pen_pedal(struct pen_device *pen, bool down);
int pen_set_hold_to_run(struct pen_device *pen, bool policy, bool enable);
void pen_hold_forget(struct pen_device *pen);

/* pen-input.c */
int pen_input_register(struct pen_device *pen);
void pen_input_unregister(struct pen_device *pen);

/* pen-faults.c */
extern const struct attribute_group pen_fault_group;

/* pen-limits.c */
bool pen_admin_relaxes(bool relaxes);
extern const struct attribute_group *pen_dev_groups[];
void pen_limits_init(struct pen_device *pen);
int pen_limits_module_init(void);

/* pen-cdev.c */
extern const struct file_operations pen_fops;

#endif /* _PEN_INTERNAL_H */
