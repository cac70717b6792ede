// SPDX-License-Identifier: GPL-2.0
/*
 * The stroke thread: the stroke loop for hardware whose calls may sleep.
 *
 * A PWM, GPIO or ADC behind I2C or SPI, a regulator, an IIO channel: none
 * of these can be driven from the hard-irq stroke timer. For a backend
 * that says so (hw.can_sleep) the timer only wakes this SCHED_FIFO
 * kthread, which decides the stroke at the boundary exactly as the timer
 * does for other backends (pen_boundary_locked()), re-arms the timer on
 * the same absolute schedule and makes the hardware call.
 *
 * A woken thread is as late as its wake-up: the timer interrupt, the
 * wake-up, the switch. So the timer fires a lead before each ideal time,
 * and the thread, awake, waits out the rest of it on the CPU (outside
 * every lock but for its last microseconds, giving up at a stop) and
 * decides the stroke at its ideal time. The lead is learnt from the
 * wake-ups themselves: the worst recent one, forgotten slowly, plus a
 * margin, bounded (pen_thread_rearm_locked()).
 * The CPU this costs is the lead less the wake-up, each stroke.
 *
 * Every call into such a backend is made under pen->hw_lock, from this
 * thread or from the task that starts or stops the pen, never with slock
 * held. A stop decided where the drive cannot be cut at once (under
 * slock, in any context) leaves cut_pending set and wakes this thread;
 * a task that stops the pen cuts the drive itself, first.
 *
 * All of it is pen_thread_loop, the stroke loop's half for such a
 * backend (struct pen_loop_ops): this file uses the stroke core
 * (pen-stroke.c), which calls it only through that table.
 */
#include <linux/kthread.h>
#include <linux/sched.h>

#include "pen-internal.h"

/*
 * A stop decided under slock (pen_cut_locked()): the cut is made by this
 * thread, woken for it, or by a task that stops or starts the pen,
 * whichever gets to the backend first. Until then it is pending, and the
 * time it waits is measured (pen_thread_cut_made_locked()).
 */
static void pen_thread_cut_locked(struct pen_device *pen, u64 now_ns)
{
	lockdep_assert_held(&pen->slock);
	if (!pen->st.cut_pending) {
		pen->st.cut_pending = true;
		pen->st.cut_asked_ns = now_ns;
	}
	wake_up_process(pen->thread);
}

/*
 * A drive_disable() call has just returned, made with pen->hw_lock held
 * across it and until now, and slock held now. Nothing can have powered
 * the drive since that call began (power-up needs hw_lock), so it made
 * every cut asked for before it returned.
 */
static void pen_thread_cut_made_locked(struct pen_device *pen, u64 now_ns)
{
	lockdep_assert_held(&pen->hw_lock);
	lockdep_assert_held(&pen->slock);
	if (!pen->st.cut_pending)
		return;
	pen->st.cut_pending = false;
	pen_timing_add(&pen->st.cut_timing, ktime_get_ns() - pen->st.cut_asked_ns);
}

/* Make a cut that pen_thread_cut_locked() left pending; hw_lock held. */
static void pen_thread_cut_pending(struct pen_device *pen)
{
	const struct pen_ops *ops;
	bool cut;

	lockdep_assert_held(&pen->hw_lock);
	raw_spin_lock_irq(&pen->slock);
	/* ops cannot go while we hold hw_lock: pen_detach() takes it. */
	ops = pen->st.ops;
	cut = pen->st.cut_pending;
	raw_spin_unlock_irq(&pen->slock);
	if (!cut || !ops)
		return;
	ops->drive_disable(pen);
	/* Pending until here: the drive is off only once the call returns. */
	raw_spin_lock_irq(&pen->slock);
	pen_thread_cut_made_locked(pen, 0);
	raw_spin_unlock_irq(&pen->slock);
}

/*
 * Waits for the backend call in progress, if any, to return: a task's
 * cut comes after the last stroke, never before it, and no stroke starts
 * before the task lets go.
 */
static void pen_thread_claim(struct pen_device *pen)
{
	/* Never from a pen_ops callback, which runs under it. */
	lockdep_assert_not_held(&pen->hw_lock);
	rt_mutex_lock(&pen->hw_lock);
}

static void pen_thread_unclaim(struct pen_device *pen)
{
	rt_mutex_unlock(&pen->hw_lock);
}

/*
 * A stop decided under slock in process context (a pedal let go, a
 * cartridge changed) need not wait for the stroke thread: the deciding
 * task cuts the drive itself, after at most the backend call in
 * progress.
 */
static void pen_thread_cut_now(struct pen_device *pen)
{
	pen_thread_claim(pen);
	pen_thread_cut_pending(pen);
	pen_thread_unclaim(pen);
}

/*
 * Power-up, claimed: a cut still owed to an earlier stop first, then
 * drive_enable(), timed, as a deferred cut may have had to wait for it.
 */
static int pen_thread_power_up(struct pen_device *pen)
{
	u64 call_ns;
	int ret = 0;

	pen_thread_cut_pending(pen);
	call_ns = ktime_get_ns();
	if (pen->st.ops->drive_enable)
		ret = pen->st.ops->drive_enable(pen);
	call_ns = ktime_get_ns() - call_ns;
	raw_spin_lock_irq(&pen->slock);
	pen->st.call_max_ns = max(pen->st.call_max_ns, call_ns);
	raw_spin_unlock_irq(&pen->slock);
	return ret;
}

/* A task's cut, claimed: made here, before the stop is recorded. */
static void pen_thread_cut_begin(struct pen_device *pen)
{
	const struct pen_ops *ops;

	lockdep_assert_held(&pen->hw_lock);
	raw_spin_lock_irq(&pen->slock);
	/* Cleared only claimed (pen_detach()): stays valid. */
	ops = pen->st.ops;
	raw_spin_unlock_irq(&pen->slock);
	if (ops)
		ops->drive_disable(pen);
}

/* The timer only hands the boundary to the thread. */
static bool pen_thread_tick_locked(struct pen_device *pen, ktime_t now)
{
	lockdep_assert_held(&pen->slock);
	pen->st.tick_pending = true;
	wake_up_process(pen->thread);
	return false;
}

/*
 * The lead: the worst recent wake-up, which forgets 1/PEN_WAKE_FORGET of
 * itself a stroke, plus PEN_LEAD_MARGIN_NS for the wake-up's own jitter;
 * at most PEN_LEAD_MAX_NS, and an eighth of the period, so that the CPU
 * the thread spins away stays small whatever a wake-up costs.
 */
#define PEN_WAKE_FORGET		64
#define PEN_LEAD_MARGIN_NS	(2 * NSEC_PER_USEC)
#define PEN_LEAD_MAX_NS		(100 * NSEC_PER_USEC)

/*
 * The wait's last stretch is spun under slock, interrupts off as in the
 * hard-irq callback, so that no interrupt lands between it and the
 * stroke; the rest of the wait leaves them on.
 */
#define PEN_WAIT_LOCKED_NS	(4 * NSEC_PER_USEC)

/*
 * The thread woke @wake_ns after the timer fired for a boundary: learn
 * the lead the next one gets. The timer keeps the boundary it is armed
 * for; pen_thread_rearm_locked() moves it by the new lead.
 */
static void pen_thread_learn_locked(struct pen_device *pen, u64 wake_ns)
{
	u64 worst = pen->st.wake_max_ns;

	lockdep_assert_held(&pen->slock);
	pen_timing_add(&pen->st.wake_timing, wake_ns);
	pen->st.wake_max_ns = max(wake_ns, worst - worst / PEN_WAKE_FORGET);
}

/*
 * Arm the timer for the next boundary, which pen_boundary_locked() has
 * just moved it on to, a lead before it: the one learnt, from now on.
 */
static void pen_thread_rearm_locked(struct pen_device *pen)
{
	ktime_t ideal = pen_next_ideal_locked(pen);

	lockdep_assert_held(&pen->slock);
	pen->st.lead_ns = min3(pen->st.wake_max_ns + PEN_LEAD_MARGIN_NS,
			       PEN_LEAD_MAX_NS, pen->st.period_ns / 8);
	hrtimer_set_expires(&pen->timer, ktime_sub_ns(ideal, pen->st.lead_ns));
	hrtimer_start_expires(&pen->timer, HRTIMER_MODE_ABS_HARD);
}

/*
 * Woken for a boundary, a lead before it: wait on the CPU until
 * PEN_WAIT_LOCKED_NS before its ideal time, holding no lock, so that a
 * stop on another CPU never waits for it (on this one, a stopping task
 * below us waits for the spin, at most the lead). Gives up when a cut is
 * asked for.
 */
static void pen_thread_wait_boundary(struct pen_device *pen)
{
	ktime_t woke = ktime_get(), ideal = 0, fired;

	raw_spin_lock_irq(&pen->slock);
	if (pen->st.tick_pending && pen_running(pen)) {
		ideal = pen_next_ideal_locked(pen);
		fired = hrtimer_get_expires(&pen->timer);
		/* Not if the tick came after we read the clock. */
		if (!ktime_before(woke, fired))
			pen_thread_learn_locked(pen,
						ktime_to_ns(ktime_sub(woke, fired)));
	}
	raw_spin_unlock_irq(&pen->slock);
	if (!ideal)
		return;
	ideal = ktime_sub_ns(ideal, PEN_WAIT_LOCKED_NS);
	while (ktime_before(ktime_get(), ideal) &&
	       !READ_ONCE(pen->st.cut_pending))
		cpu_relax();
}

/*
 * The wait's last stretch, under slock, until the ideal time of the tick
 * pending: true, the time then in *@now. False if that is still more than
 * PEN_WAIT_LOCKED_NS away (the wait above gave up for a cut, or this is
 * a new run's boundary): never a stroke early.
 */
static bool pen_thread_wait_locked(struct pen_device *pen, ktime_t *now)
{
	ktime_t ideal = pen_next_ideal_locked(pen);

	lockdep_assert_held(&pen->slock);
	*now = ktime_get();
	if (ktime_before(ktime_add_ns(*now, PEN_WAIT_LOCKED_NS), ideal))
		return false;
	while (ktime_before(*now, ideal)) {
		cpu_relax();
		*now = ktime_get();
	}
	return true;
}

/* One boundary the timer signalled, and any cut asked for since. */
static void pen_stroke_thread_work(struct pen_device *pen)
{
	const struct pen_ops *ops;
	u64 lateness_ns, missed, call_ns, seq = 0;
	bool stroke = false, early = false;
	u32 depth_um = 0;
	ktime_t now;
	int ret;

	pen_thread_wait_boundary(pen);
	rt_mutex_lock(&pen->hw_lock);
	raw_spin_lock_irq(&pen->slock);
	/* ops cannot go while we hold hw_lock: pen_detach() takes it. */
	ops = pen->st.ops;
	if (pen->st.tick_pending && pen_running(pen)) {
		/* Not due yet: the tick stays pending, waited for again. */
		early = !pen_thread_wait_locked(pen, &now);
		if (!early &&
		    pen_boundary_locked(pen, now, &lateness_ns, &missed)) {
			seq = pen->st.seq;
			depth_um = pen->st.depth_um;
			/* Its record first: stroke() may report it at once. */
			pen_stroke_issued_locked(pen, now, lateness_ns, missed);
			pen_thread_rearm_locked(pen);
			stroke = true;
		}
	}
	if (!early)
		pen->st.tick_pending = false;
	raw_spin_unlock_irq(&pen->slock);

	if (stroke) {
		call_ns = ktime_get_ns();
		ret = ops->stroke(pen, seq, depth_um);
		call_ns = ktime_get_ns() - call_ns;
		if (ret)
			/* Cut first: hw_lock keeps every other call out. */
			ops->drive_disable(pen);
		raw_spin_lock_irq(&pen->slock);
		/* A deferred cut may have had to wait for this call. */
		pen->st.call_max_ns = max(pen->st.call_max_ns, call_ns);
		if (ret) {
			pen_thread_cut_made_locked(pen, 0);
			if (pen_running(pen))
				pen_record_stop_locked(pen, PEN_STOP_BACKEND,
						       ktime_get_ns());
		}
		raw_spin_unlock_irq(&pen->slock);
	}
	/* A stop decided above, or anywhere since: the drive goes off now. */
	pen_thread_cut_pending(pen);
	rt_mutex_unlock(&pen->hw_lock);
}

static int pen_stroke_thread_fn(void *data)
{
	struct pen_device *pen = data;
	bool work;

	for (;;) {
		/* Set before looking, so a wake-up after the look is kept. */
		set_current_state(TASK_INTERRUPTIBLE);
		raw_spin_lock_irq(&pen->slock);
		work = pen->st.tick_pending || pen->st.cut_pending;
		raw_spin_unlock_irq(&pen->slock);
		if (kthread_should_stop())
			break;
		if (!work) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		pen_stroke_thread_work(pen);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Start the pen's stroke thread; pen->id and the pen's name are set. */
static int pen_stroke_thread_start(struct pen_device *pen)
{
	struct task_struct *t;

	t = kthread_create(pen_stroke_thread_fn, pen, "pen%d-stroke", pen->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	pen_note_thread_preemption(&pen->dev);
	/* The priority the kernel gives interrupt threads: above any task. */
	sched_set_fifo(t);
	pen->thread = t;
	wake_up_process(t);
	return 0;
}

/*
 * End the stroke thread, once the pen's ops are cleared and its timer
 * cancelled, so that nothing wakes it any more.
 */
static void pen_stroke_thread_stop(struct pen_device *pen)
{
	if (!pen->thread)
		return;
	kthread_stop(pen->thread);
	pen->thread = NULL;
}

const struct pen_loop_ops pen_thread_loop = {
	.tick_locked = pen_thread_tick_locked,
	.cut_locked = pen_thread_cut_locked,
	.cut_now = pen_thread_cut_now,
	.claim = pen_thread_claim,
	.unclaim = pen_thread_unclaim,
	.power_up = pen_thread_power_up,
	.cut_begin = pen_thread_cut_begin,
	.cut_end_locked = pen_thread_cut_made_locked,
	.attach = pen_stroke_thread_start,
	.detach = pen_stroke_thread_stop,
};
