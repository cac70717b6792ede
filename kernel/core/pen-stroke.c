// SPDX-License-Identifier: GPL-2.0
/*
 * The stroke loop: one hrtimer per pen on an absolute schedule.
 *
 * The timer runs in hard-irq mode, so its lateness does not depend on a
 * softirq thread being scheduled (which on PREEMPT_RT would put every
 * stroke behind whatever runs at that thread's priority). Everything the
 * callback touches is under the pen's raw spinlock. What it does at a
 * boundary, and how a stop cuts the drive, is the pen's loop's
 * (struct pen_loop_ops, chosen at registration): for a backend whose
 * calls never sleep, pen_irq_loop below makes the stroke in the callback
 * itself; for one whose calls may sleep, pen_thread_loop wakes the pen's
 * real-time stroke thread, which makes the same decisions and the
 * hardware calls (pen-stroke-thread.c). This file calls that one only
 * through the table.
 *
 * The schedule is absolute: each expiry is the previous expiry plus one
 * period (hrtimer_forward()), never "now plus a period", so lateness of
 * one stroke never shifts the ones after it and no drift accumulates.
 * The expiry is each stroke's ideal time, less the stroke thread's lead
 * on its path (pen_next_ideal_locked()).
 * When a stroke comes more than a period late, hrtimer_forward() skips
 * the periods that have passed and reports them; they are counted as
 * missed strokes, never issued late in a burst and never hidden.
 */
#include <kunit/visibility.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "pen-compat.h"
#include "pen-internal.h"

/**
 * pen_set_run_locked() - move the stroke loop to another state
 * @pen: the pen, with pen->slock held
 * @to: the new state
 *
 * Only along the transitions enum pen_run lists; any other is a bug in
 * the core, warned about once, and made all the same (the state must
 * follow what the code did).
 */
void pen_set_run_locked(struct pen_device *pen, enum pen_run to)
{
	static const u8 legal[] = {
		[PEN_RUN_STOPPED] = BIT(PEN_RUN_RUNNING) | BIT(PEN_RUN_REMOVING),
		[PEN_RUN_RUNNING] = BIT(PEN_RUN_STOPPED) | BIT(PEN_RUN_ENDING),
		[PEN_RUN_ENDING] = BIT(PEN_RUN_REMOVING),
		[PEN_RUN_REMOVING] = BIT(PEN_RUN_DETACHED),
		[PEN_RUN_DETACHED] = 0,
	};

	lockdep_assert_held(&pen->slock);
	WARN_ON_ONCE(!(legal[pen->st.run] & BIT(to)));
	WRITE_ONCE(pen->st.run, to);
}

/* A running needle stopped: a pen being removed stays so. */
static void pen_run_stopped_locked(struct pen_device *pen)
{
	lockdep_assert_held(&pen->slock);
	pen_set_run_locked(pen, pen->st.run == PEN_RUN_ENDING ?
			   PEN_RUN_REMOVING : PEN_RUN_STOPPED);
}

/**
 * pen_cut_locked() - cut the needle drive now, or as soon as it can be
 * @pen: the pen, with pen->slock held
 * @now_ns: the time of the stop that asks for it
 *
 * A backend that cannot sleep is cut here and now; one that can, by the
 * stroke thread or the next task to reach it (pen_thread_loop). Nothing
 * to cut once the pen is detached.
 */
void pen_cut_locked(struct pen_device *pen, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	if (pen->st.ops)
		pen->loop->cut_locked(pen, now_ns);
}

/**
 * pen_cut_now() - make a pending cut from the task that decided the stop
 * @pen: the pen; the caller holds neither pen->hw_lock nor pen->slock
 *
 * A stop decided under slock in process context (a pedal let go, a
 * cartridge changed) need not wait for the stroke thread: the deciding
 * task cuts a sleeping backend's drive itself, after at most the backend
 * call in progress. Nothing to do for a backend that cannot sleep, whose
 * drive went off under slock. Context: process, may sleep.
 */
void pen_cut_now(struct pen_device *pen)
{
	pen->loop->cut_now(pen);
}

/*
 * Record the stop of a running needle whose drive is already cut, or
 * whose cut is asked for. Called with pen->slock held.
 */
void pen_record_stop_locked(struct pen_device *pen, u32 reason, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	pen_run_stopped_locked(pen);
	pen->st.stop_reason = reason;
	pen->st.stopped_ns = now_ns;
	/* Records of the strokes cut short, then of the stop itself. */
	pen_ev_strokes_flush_locked(pen);
	pen_ev_state_locked(pen, now_ns);
}

/* Called with pen->slock held and the needle running. */
void pen_halt_locked(struct pen_device *pen, u32 reason, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	/* Drive off before any bookkeeping. */
	pen_cut_locked(pen, now_ns);
	pen_record_stop_locked(pen, reason, now_ns);
}

/**
 * pen_fault_locked() - stop the needle on a fault and latch it
 * @pen: the pen, with pen->slock held
 * @fault: PEN_FAULT_*
 * @value: what the fault measured (see struct pen_status.fault_value)
 * @now_ns: when
 *
 * The drive goes off first, whether or not the needle was running. The
 * first fault stays latched until cleared; every one is counted.
 */
void pen_fault_locked(struct pen_device *pen, u32 fault, u32 value,
		      u64 now_ns)
{
	bool was_running = pen_running(pen);
	bool latch = pen->st.fault == PEN_FAULT_NONE;

	lockdep_assert_held(&pen->slock);
	pen_cut_locked(pen, now_ns);
	/* A start powering the drive meanwhile gives up, even if cleared. */
	pen->st.stop_gen++;
	if (was_running) {
		pen_run_stopped_locked(pen);
		pen->st.stop_reason = PEN_STOP_FAULT;
		pen->st.stopped_ns = now_ns;
	}

	if (fault < PEN_FAULT_KINDS)
		pen->st.fault_counts[fault]++;
	if (latch) {
		pen->st.fault = fault;
		pen->st.fault_value = value;
		pen->st.fault_ns = now_ns;
		pen->st.fault_seq = pen->st.seq;
	}

	/* Read in order: the strokes cut short, the fault, the stop. */
	pen_ev_strokes_flush_locked(pen);
	pen_ev_fault_locked(pen, PEN_EVENT_FAULT, fault, value, latch, now_ns);
	if (was_running)
		pen_ev_state_locked(pen, now_ns);
}

/**
 * pen_boundary_locked() - decide the stroke due at a stroke boundary
 * @pen: the pen, with pen->slock held and its needle running
 * @now: the time of the boundary, as the stroke will be made
 * @lateness_ns: set to how late @now is for the stroke's ideal time
 * @missed: set to the periods skipped right before this stroke
 *
 * Applies every rule that can stop the needle between strokes and moves
 * the timer's expiry on to the next stroke's ideal time (the caller
 * re-arms it).
 *
 * Return: true if the stroke is to be made, false if the needle stopped.
 */
bool pen_boundary_locked(struct pen_device *pen, ktime_t now,
			 u64 *lateness_ns, u64 *missed)
{
	ktime_t ideal = pen_next_ideal_locked(pen);
	u64 missed_in_row, overruns;

	lockdep_assert_held(&pen->slock);
	*lateness_ns = ktime_after(now, ideal) ?
		       ktime_to_ns(ktime_sub(now, ideal)) : 0;

	/*
	 * Periods already gone by are strokes the loop missed in a row; past
	 * the limit the schedule can no longer be trusted: stop, don't catch
	 * up.
	 */
	missed_in_row = div64_u64(*lateness_ns, pen->st.period_ns);
	if (missed_in_row > READ_ONCE(pen_max_missed_strokes)) {
		pen->st.missed += missed_in_row;
		pen->st.run_missed += missed_in_row;
		pen_fault_locked(pen, PEN_FAULT_TIMING,
				 min_t(u64, missed_in_row, U32_MAX),
				 ktime_to_ns(now));
		return false;
	}

	/*
	 * This is the stroke boundary: the setpoints read here are the ones
	 * this stroke and the period after it use.
	 */
	/* The limits an administrator may lower while the needle runs. */
	if (pen->st.depth_um > pen->st.depth_cap_um) {
		pen_halt_locked(pen, PEN_STOP_DEPTH_CAP, ktime_to_ns(now));
		return false;
	}
	if (ktime_to_ns(now) - pen->st.started_ns >= pen->st.max_run_time_ns) {
		pen_halt_locked(pen, PEN_STOP_RUN_TIME, ktime_to_ns(now));
		return false;
	}
	/* A controller that stopped kicking may be hung: stop, and latch. */
	if (pen->st.watchdog_ns &&
	    ktime_to_ns(now) - pen->st.last_kick_ns > pen->st.watchdog_ns) {
		pen_fault_locked(pen, PEN_FAULT_WATCHDOG,
				 min_t(u64, div_u64(ktime_to_ns(now) -
						    pen->st.last_kick_ns,
						    NSEC_PER_MSEC), U32_MAX),
				 ktime_to_ns(now));
		return false;
	}

	/* Hold-to-run with the pedal up: a mode turned on meanwhile. */
	if (pen_hold_check_locked(pen, ktime_to_ns(now)))
		return false;

	/* A spent cartridge stops the needle between strokes. */
	if (pen->st.cart_strokes >= pen->st.cart_budget) {
		pen->st.cart_state = PEN_CARTRIDGE_SPENT;
		pen_halt_locked(pen, PEN_STOP_CARTRIDGE_SPENT, ktime_to_ns(now));
		pen_ev_cartridge_locked(pen, ktime_to_ns(now));
		return false;
	}

	/*
	 * The next expiry, one whole period on. The periods this stroke
	 * came too late for are skipped, and are its missed ones: it is the
	 * stroke of the last boundary passed, and late against that one.
	 */
	overruns = hrtimer_forward(&pen->timer,
				   ktime_sub_ns(now, pen->st.lead_ns),
				   ns_to_ktime(pen->st.period_ns));
	*missed = overruns > 1 ? overruns - 1 : 0;
	*lateness_ns -= *missed * pen->st.period_ns;
	return true;
}

/**
 * pen_stroke_issued_locked() - account for the stroke just decided
 * @pen: the pen, with pen->slock held
 * @now: when it was made
 * @lateness_ns: how late, from pen_boundary_locked()
 * @missed: periods skipped right before it, from pen_boundary_locked()
 *
 * Before the hardware can report it: the stroke's record must exist then.
 */
void pen_stroke_issued_locked(struct pen_device *pen, ktime_t now,
			      u64 lateness_ns, u64 missed)
{
	lockdep_assert_held(&pen->slock);
	/* The boundaries the backend could not make a stroke at, too. */
	missed += pen->st.skipped;
	pen->st.skipped = 0;
	pen_ev_stroke_issued_locked(pen, ktime_to_ns(now), lateness_ns, missed);
	pen->st.seq++;
	pen->st.cart_strokes++;
	pen->st.strokes++;
	pen->st.run_strokes++;
	pen->st.missed += missed;
	pen->st.run_missed += missed;
	pen->st.last_stroke_ns = ktime_to_ns(now);
	if (lateness_ns > pen->st.max_lateness_ns)
		pen->st.max_lateness_ns = lateness_ns;
	pen_timing_add(&pen->st.timing, lateness_ns);
}

static enum hrtimer_restart pen_stroke_timer(struct hrtimer *timer)
{
	struct pen_device *pen = container_of(timer, struct pen_device, timer);
	bool restart = false;
	unsigned long flags;

	/* Hard-irq context already; irqsave keeps lockdep and RT honest. */
	raw_spin_lock_irqsave(&pen->slock, flags);
	if (pen_running(pen))
		restart = pen->loop->tick_locked(pen, hrtimer_cb_get_time(timer));
	raw_spin_unlock_irqrestore(&pen->slock, flags);
	return restart ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

/*
 * The backend could not make this boundary's stroke yet (-EAGAIN): it is
 * a missed one, with the periods the timer skipped before it, counted
 * with the next stroke made, as the timer's own are. No more of them in
 * a row than the timer may miss: then the schedule is not kept, and the
 * needle stops with PEN_FAULT_TIMING.
 */
static bool pen_stroke_skipped_locked(struct pen_device *pen, ktime_t now,
				      u64 missed)
{
	lockdep_assert_held(&pen->slock);
	pen->st.skipped += missed + 1;
	if (pen->st.skipped <= READ_ONCE(pen_max_missed_strokes))
		return true;
	pen->st.missed += pen->st.skipped;
	pen->st.run_missed += pen->st.skipped;
	pen_fault_locked(pen, PEN_FAULT_TIMING,
			 min_t(u64, pen->st.skipped, U32_MAX), ktime_to_ns(now));
	pen->st.skipped = 0;
	return false;
}

/*
 * The loop of a backend whose calls never sleep: the timer makes the
 * stroke, and every cut is made under slock, wherever it is decided.
 */
static bool pen_irq_tick_locked(struct pen_device *pen, ktime_t now)
{
	u64 lateness_ns, missed;
	int ret;

	lockdep_assert_held(&pen->slock);
	if (!pen_boundary_locked(pen, now, &lateness_ns, &missed))
		return false;
	ret = pen->st.ops->stroke(pen, pen->st.seq, pen->st.depth_um);
	if (ret == -EAGAIN)
		return pen_stroke_skipped_locked(pen, now, missed);
	if (ret) {
		pen_halt_locked(pen, PEN_STOP_BACKEND, ktime_to_ns(now));
		return false;
	}
	/* No report can come in before this: we hold slock. */
	pen_stroke_issued_locked(pen, now, lateness_ns, missed);
	return true;
}

static void pen_irq_cut_locked(struct pen_device *pen, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	pen->st.ops->drive_disable(pen);
}

/* Stops never wait for a start: there is nothing to claim or defer. */
static void pen_irq_nothing(struct pen_device *pen)
{
}

static int pen_irq_power_up(struct pen_device *pen)
{
	return pen->st.ops->drive_enable ? pen->st.ops->drive_enable(pen) : 0;
}

const struct pen_loop_ops pen_irq_loop = {
	.tick_locked = pen_irq_tick_locked,
	.cut_locked = pen_irq_cut_locked,
	.cut_now = pen_irq_nothing,
	.claim = pen_irq_nothing,
	.unclaim = pen_irq_nothing,
	.power_up = pen_irq_power_up,
	.cut_begin = pen_irq_nothing,
	/* The task's cut, like any other: under slock. */
	.cut_end_locked = pen_cut_locked,
};

/*
 * When a run's first stroke is due: at once, unless the last stroke of the
 * run before went less than a period of the pen's fastest rate ago. The
 * absolute schedule keeps strokes apart within a run; this keeps them
 * apart across a STOP and START in quick succession, which would
 * otherwise stroke the needle as fast as the calls come.
 */
static ktime_t pen_first_stroke_time(const struct pen_device *pen,
				     ktime_t now)
{
	ktime_t earliest = ns_to_ktime(pen->st.last_stroke_ns +
				       pen_rate_to_period_ns(pen->hw.rate_max_mhz));

	return ktime_after(earliest, now) ? earliest : now;
}

void pen_stroke_init(struct pen_device *pen)
{
	raw_spin_lock_init(&pen->slock);
	rt_mutex_init(&pen->hw_lock);
	pen->st.cut_timing.min_ns = U64_MAX;
	pen->st.wake_timing.min_ns = U64_MAX;
	pen_hrtimer_setup(&pen->timer, pen_stroke_timer, CLOCK_MONOTONIC,
			  HRTIMER_MODE_ABS_HARD);
}

/*
 * Why the needle may not start now, or 0. Checked before the drive is
 * powered and again once it is: a fault, a pulled cartridge, a lowered
 * cap or a removal may come in meanwhile, and each must win.
 * Called with pen->slock held.
 */
static int pen_start_refusal_locked(const struct pen_device *pen)
{
	lockdep_assert_held(&pen->slock);
	if (pen_going(pen))
		return -ENODEV;
	if (pen_running(pen))
		return -EALREADY;
	if (pen->st.fault != PEN_FAULT_NONE)
		return -EIO;
	if (pen->st.depth_um > pen->st.depth_cap_um)
		return -ERANGE;
	switch (pen->st.cart_state) {
	case PEN_CARTRIDGE_NONE:
		return -ENOMEDIUM;
	case PEN_CARTRIDGE_REUSED:
		return -ESTALE;
	case PEN_CARTRIDGE_SPENT:
		return -ENOSPC;
	}
	/* Last: the pedal is the go, once all else is ready. */
	if (pen_hold_to_run_locked(pen) && !pen->st.pedal_down)
		return -EAGAIN;
	return 0;
}

/**
 * pen_start() - power the drive and start the stroke loop
 * @pen: the pen; the caller has checked it is controlled
 *
 * The first stroke is issued at once, or once a period of the fastest rate
 * has passed since the last one (pen_first_stroke_time()); the following
 * ones at whole periods after it. A stop that arrives while the drive
 * powers up wins, and so does anything that would have refused the start:
 * the start is abandoned with the drive off.
 * Context: process, takes pen->lock.
 *
 * Return: 0, -EALREADY if the needle already runs, -EIO while a fault is
 * latched, -ERANGE if the depth setpoint is above a lowered depth cap,
 * -ENOMEDIUM without a cartridge, -ESTALE for a reused one, -ENOSPC for a
 * spent one, -EAGAIN in hold-to-run mode without the footswitch held,
 * -ENODEV if the pen was unregistered, -ECANCELED if a stop overtook the
 * start, or the backend's drive_enable() error.
 */
int pen_start(struct pen_device *pen)
{
	const struct pen_loop_ops *loop = pen->loop;
	ktime_t now;
	u32 gen;
	int ret = 0;

	/* Serialises starts, and against pen_detach() clearing ops. */
	mutex_lock(&pen->lock);
	raw_spin_lock_irq(&pen->slock);
	ret = pen_start_refusal_locked(pen);
	gen = pen->st.stop_gen;
	raw_spin_unlock_irq(&pen->slock);
	if (ret)
		goto out;

	/* A loop stopped by a fault in its own callback is not yet joined. */
	hrtimer_cancel(&pen->timer);

	/*
	 * drive_enable() may sleep, so it runs without slock. Stops of a
	 * backend that cannot sleep do not wait for it: they only take slock
	 * and bump stop_gen. Those of one that can wait for the claim
	 * (hw_lock), and a cut still pending from an earlier stop is made
	 * before power-up.
	 */
	loop->claim(pen);
	ret = loop->power_up(pen);

	raw_spin_lock_irq(&pen->slock);
	/* A fault, a cartridge change or a lower cap during power-up. */
	if (!ret)
		ret = pen_start_refusal_locked(pen);
	/*
	 * A stop or a fault came while the drive powered up (the fault may
	 * be cleared by now), or a cut asked for then is still owed.
	 */
	if (!ret && (pen->st.stop_gen != gen || pen->st.cut_pending))
		ret = -ECANCELED;
	if (ret) {
		/*
		 * A half-done or overtaken enable must not leave it on: cut
		 * as a stopping task does (that also makes any cut a fault
		 * asked for meanwhile).
		 */
		raw_spin_unlock_irq(&pen->slock);
		loop->cut_begin(pen);
		raw_spin_lock_irq(&pen->slock);
		loop->cut_end_locked(pen, ktime_get_ns());
		raw_spin_unlock_irq(&pen->slock);
		loop->unclaim(pen);
		goto out;
	}
	now = ktime_get();
	/* A boundary that came before this run is not one of its strokes. */
	pen->st.tick_pending = false;
	pen_set_run_locked(pen, PEN_RUN_RUNNING);
	pen->st.run_strokes = 0;
	pen->st.run_missed = 0;
	pen->st.skipped = 0;
	pen->st.max_lateness_ns = 0;
	pen->st.started_ns = ktime_to_ns(now);
	pen->st.last_kick_ns = pen->st.started_ns;	/* START counts as a kick */
	pen->st.stopped_ns = 0;
	pen->st.short_strokes = 0;
	pen->st.period_ns = pen_rate_to_period_ns(pen->st.rate_mhz);
	hrtimer_start(&pen->timer,
		      ktime_sub_ns(pen_first_stroke_time(pen, now),
				   pen->st.lead_ns),
		      HRTIMER_MODE_ABS_HARD);
	pen_ev_state_locked(pen, pen->st.started_ns);
	raw_spin_unlock_irq(&pen->slock);
	loop->unclaim(pen);
out:
	mutex_unlock(&pen->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pen_start);

/**
 * pen_stop() - stop the needle: drive off first, then the timer
 * @pen: the pen
 * @reason: PEN_STOP_*, recorded if the needle was running
 *
 * When this returns the drive is off and no stroke callback runs or will
 * run. Safe to call when the needle is already stopped. For a backend
 * that cannot sleep it takes no mutex, so a stop never waits behind a
 * start that is powering the drive; for one that can, the cut waits for
 * the backend call in progress (a stroke, or a power-up) to return, and
 * comes before the stop is recorded.
 * Context: process, not holding slock.
 *
 * Return: 0, or -ENODEV if the pen was unregistered.
 */
int pen_stop(struct pen_device *pen, u32 reason)
{
	const struct pen_loop_ops *loop = pen->loop;
	u64 now_ns;
	int ret = 0;

	/*
	 * The claim waits for the backend call in progress, if any, so the
	 * cut comes after the last stroke, never before it; holding it, no
	 * stroke starts before the stop is recorded. Sleeping hardware is
	 * cut first, before the stop is recorded, so the strokes the stop
	 * cuts short are recorded as such only once they really are; other
	 * hardware is cut under slock, and if the needle is still, cutting
	 * it again costs nothing.
	 */
	loop->claim(pen);
	loop->cut_begin(pen);
	raw_spin_lock_irq(&pen->slock);
	now_ns = ktime_get_ns();
	loop->cut_end_locked(pen, now_ns);
	if (pen_running(pen))
		pen_record_stop_locked(pen, reason, now_ns);
	if (pen_detached(pen))
		ret = -ENODEV;
	pen->st.stop_gen++;
	raw_spin_unlock_irq(&pen->slock);
	loop->unclaim(pen);

	/*
	 * A callback already waiting for the lock sees the needle stopped
	 * and does not re-arm; wait for it so nothing of the loop outlives
	 * us.
	 */
	hrtimer_cancel(&pen->timer);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pen_stop);

/**
 * pen_detach() - stop the pen for good and forget its backend
 * @pen: the pen
 *
 * After this the backend is never called again and every ioctl fails
 * with -ENODEV. Context: process.
 */
void pen_detach(struct pen_device *pen)
{
	const struct pen_loop_ops *loop = pen->loop;

	/*
	 * No new start from here on: between the stop below and clearing
	 * ops under the mutex, a START could otherwise run the needle again
	 * after its stop for the removal.
	 */
	raw_spin_lock_irq(&pen->slock);
	pen_set_run_locked(pen, pen_running(pen) ? PEN_RUN_ENDING :
			   PEN_RUN_REMOVING);
	raw_spin_unlock_irq(&pen->slock);

	/* Cut the drive at once, even while a start is powering it up ... */
	pen_stop(pen, PEN_STOP_REMOVED);

	/*
	 * ... then make sure nothing starts it again. The last call into
	 * the backend, a cut, first: the drive stays off. ops is cleared
	 * only here, claimed and under slock.
	 */
	mutex_lock(&pen->lock);
	loop->claim(pen);
	loop->cut_begin(pen);
	raw_spin_lock_irq(&pen->slock);
	loop->cut_end_locked(pen, ktime_get_ns());
	if (pen_running(pen))
		pen_record_stop_locked(pen, PEN_STOP_REMOVED, ktime_get_ns());
	pen->st.ops = NULL;
	pen_set_run_locked(pen, PEN_RUN_DETACHED);
	/* Its pedal goes with it, once its stop is recorded: released. */
	pen->st.pedal_down = false;
	raw_spin_unlock_irq(&pen->slock);
	loop->unclaim(pen);
	pen->ctl.drvdata = NULL;
	mutex_unlock(&pen->lock);
	hrtimer_cancel(&pen->timer);
	/* Nothing wakes the thread once ops is gone and the timer is. */
	if (loop->detach)
		loop->detach(pen);
}

/**
 * pen_set_setpoints() - store validated setpoints for the next boundary
 * @pen: the pen
 * @mask: PEN_PARAM_* fields to apply
 * @depth_um: new depth, if PEN_PARAM_DEPTH
 * @rate_mhz: new rate, if PEN_PARAM_RATE
 *
 * Both change under one lock hold, so the stroke timer sees both or
 * neither. Context: any.
 *
 * Return: 0, -ERANGE for a depth beyond the pen's depth cap, or -ENODEV
 * if the pen was unregistered.
 */
int pen_set_setpoints(struct pen_device *pen, u32 mask, u32 depth_um,
		      u32 rate_mhz)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pen->slock, flags);
	/*
	 * The ioctl's look at ops was unlocked: a removal may have come
	 * since, and a removed pen accepts nothing (nor puts a record in
	 * the stream after its last one, the stop for the removal).
	 */
	if (pen_going(pen)) {
		raw_spin_unlock_irqrestore(&pen->slock, flags);
		return -ENODEV;
	}
	/* Checked here, under the lock a lowered cap is written under. */
	if ((mask & PEN_PARAM_DEPTH) && depth_um > pen->st.depth_cap_um) {
		raw_spin_unlock_irqrestore(&pen->slock, flags);
		return -ERANGE;
	}
	if (mask & PEN_PARAM_DEPTH)
		pen->st.depth_um = depth_um;
	if (mask & PEN_PARAM_RATE) {
		pen->st.rate_mhz = rate_mhz;
		pen->st.period_ns = pen_rate_to_period_ns(rate_mhz);
	}
	pen_ev_setpoint_locked(pen, mask, ktime_get_ns());
	raw_spin_unlock_irqrestore(&pen->slock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pen_set_setpoints);

/**
 * pen_clear_fault() - acknowledge a latched fault
 * @pen: the pen
 *
 * The needle stays stopped; the controller may start it again. The fault
 * counters are kept. Once the pen is unregistered nothing is cleared.
 * Context: any.
 *
 * Return: true if a fault was latched (and is now cleared).
 */
bool pen_clear_fault(struct pen_device *pen)
{
	unsigned long flags;
	bool was;

	raw_spin_lock_irqsave(&pen->slock, flags);
	/* A removed pen's fault stays, and its stream has ended. */
	if (pen_going(pen)) {
		raw_spin_unlock_irqrestore(&pen->slock, flags);
		return false;
	}
	was = pen->st.fault != PEN_FAULT_NONE;
	if (was)
		pen_ev_fault_locked(pen, PEN_EVENT_FAULT_CLEARED, pen->st.fault,
				    pen->st.fault_value, false, ktime_get_ns());
	pen->st.fault = PEN_FAULT_NONE;
	pen->st.fault_value = 0;
	pen->st.fault_ns = 0;
	pen->st.fault_seq = 0;
	pen->st.short_strokes = 0;
	raw_spin_unlock_irqrestore(&pen->slock, flags);
	return was;
}
EXPORT_SYMBOL_IF_KUNIT(pen_clear_fault);

/**
 * pen_set_watchdog() - arm, re-arm or disarm the controller's watchdog
 * @pen: the pen
 * @timeout_ms: 0 to disarm, else a validated timeout
 *
 * Arming counts as a kick. Context: any.
 */
void pen_set_watchdog(struct pen_device *pen, u32 timeout_ms)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pen->slock, flags);
	pen->st.watchdog_ns = (u64)timeout_ms * NSEC_PER_MSEC;
	pen->st.last_kick_ns = ktime_get_ns();
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}

/**
 * pen_kick_watchdog() - the controller is alive
 * @pen: the pen
 *
 * Context: any.
 */
void pen_kick_watchdog(struct pen_device *pen)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pen->slock, flags);
	pen->st.last_kick_ns = ktime_get_ns();
	raw_spin_unlock_irqrestore(&pen->slock, flags);
}
