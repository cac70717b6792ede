// SPDX-License-Identifier: GPL-2.0
/*
 * The stroke thread: the stroke loop for hardware whose calls may sleep.
 *
 * A PWM, GPIO or ADC behind I2C or SPI, a regulator, an IIO channel: none
 * of these can be driven from the hard-irq stroke timer. For a backend
 * that says so (hw.can_sleep) the timer only wakes this SCHED_FIFO
 * kthread, which decides the stroke at the boundary exactly as the timer
 * does for other backends (pen_boundary_locked()), re-arms the timer on
 * the same absolute schedule and makes the hardware call. Its lateness is
 * the thread's wake-up latency, measured from the stroke's ideal time.
 *
 * Every call into such a backend is made under pen->hw_lock, from this
 * thread or from the task that starts or stops the pen, never with slock
 * held. A stop decided where the drive cannot be cut at once (under
 * slock, in any context) leaves cut_pending set and wakes this thread;
 * a task that stops the pen cuts the drive itself, first.
 */
#include <linux/kthread.h>
#include <linux/sched.h>

#include "pen-internal.h"

/**
 * pen_cut_locked() - cut the needle drive now, or as soon as it can be
 * @pen: the pen, with pen->slock held
 * @now_ns: the time of the stop that asks for it
 *
 * A backend that cannot sleep is cut here and now. One that can is cut by
 * the stroke thread, woken for it, or by a task that stops or starts the
 * pen (pen_cut_hw_locked(), pen_cut_pending()), whichever gets to the
 * backend first. Until then the cut is pending, and the time it waits is
 * measured (pen_cut_made_locked()).
 */
void pen_cut_locked(struct pen_device *pen, u64 now_ns)
{
	if (!pen->ops)
		return;
	if (!pen->hw.can_sleep) {
		pen->ops->drive_disable(pen);
		return;
	}
	if (!pen->cut_pending) {
		pen->cut_pending = true;
		pen->cut_asked_ns = now_ns;
	}
	wake_up_process(pen->thread);
}

/**
 * pen_cut_made_locked() - a drive_disable() call has just returned
 * @pen: the pen, with pen->slock held, and pen->hw_lock held across that
 *	call and until now
 *
 * Nothing can have powered the drive since that call began (power-up
 * needs hw_lock), so it made every cut asked for before it returned.
 */
void pen_cut_made_locked(struct pen_device *pen)
{
	lockdep_assert_held(&pen->hw_lock);
	lockdep_assert_held(&pen->slock);
	if (!pen->cut_pending)
		return;
	pen->cut_pending = false;
	pen_timing_add(&pen->cut_timing, ktime_get_ns() - pen->cut_asked_ns);
}

/**
 * pen_cut_pending() - make a cut that pen_cut_locked() left pending
 * @pen: the pen, with pen->hw_lock held and pen->slock not
 */
void pen_cut_pending(struct pen_device *pen)
{
	const struct pen_ops *ops;
	bool cut;

	raw_spin_lock_irq(&pen->slock);
	/* ops cannot go while we hold hw_lock: pen_detach() takes it. */
	ops = pen->ops;
	cut = pen->cut_pending;
	raw_spin_unlock_irq(&pen->slock);
	if (!cut || !ops)
		return;
	ops->drive_disable(pen);
	/* Pending until here: the drive is off only once the call returns. */
	raw_spin_lock_irq(&pen->slock);
	pen_cut_made_locked(pen);
	raw_spin_unlock_irq(&pen->slock);
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
	if (!pen->hw.can_sleep)
		return;
	/* Never from a pen_ops callback, which runs under it. */
	lockdep_assert_not_held(&pen->hw_lock);
	rt_mutex_lock(&pen->hw_lock);
	pen_cut_pending(pen);
	rt_mutex_unlock(&pen->hw_lock);
}

/**
 * pen_cut_hw_locked() - take hw_lock and cut a sleeping backend's drive
 * @pen: the pen; the caller holds neither pen->hw_lock nor pen->slock
 *
 * Waits for the backend call in progress, if any, to return: the cut
 * comes after the last stroke, never before it. Returns with hw_lock
 * held, so that no stroke starts before the caller has recorded the stop.
 */
void pen_cut_hw_locked(struct pen_device *pen)
{
	const struct pen_ops *ops;

	rt_mutex_lock(&pen->hw_lock);
	raw_spin_lock_irq(&pen->slock);
	/* Cleared only under hw_lock (pen_detach()): stays valid. */
	ops = pen->ops;
	raw_spin_unlock_irq(&pen->slock);
	if (ops)
		ops->drive_disable(pen);
}

/* One boundary the timer signalled, and any cut asked for since. */
static void pen_stroke_thread_work(struct pen_device *pen)
{
	const struct pen_ops *ops;
	u64 lateness_ns, missed, call_ns, seq = 0;
	bool stroke = false;
	u32 depth_um = 0;
	ktime_t now;
	int ret;

	rt_mutex_lock(&pen->hw_lock);
	raw_spin_lock_irq(&pen->slock);
	/* ops cannot go while we hold hw_lock: pen_detach() takes it. */
	ops = pen->ops;
	if (pen->tick_pending && pen->running && ops) {
		now = ktime_get();
		if (pen_boundary_locked(pen, now, &lateness_ns, &missed)) {
			seq = pen->seq;
			depth_um = pen->depth_um;
			/* Its record first: stroke() may report it at once. */
			pen_stroke_issued_locked(pen, now, lateness_ns, missed);
			hrtimer_start_expires(&pen->timer,
					      HRTIMER_MODE_ABS_HARD);
			stroke = true;
		}
	}
	pen->tick_pending = false;
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
		pen->call_max_ns = max(pen->call_max_ns, call_ns);
		if (ret) {
			pen_cut_made_locked(pen);
			if (pen->running)
				pen_record_stop_locked(pen, PEN_STOP_BACKEND,
						       ktime_get_ns());
		}
		raw_spin_unlock_irq(&pen->slock);
	}
	/* A stop decided above, or anywhere since: the drive goes off now. */
	pen_cut_pending(pen);
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
		work = pen->tick_pending || pen->cut_pending;
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

/**
 * pen_stroke_thread_start() - start the pen's stroke thread, if it needs one
 * @pen: the pen, registering; pen->id is set
 *
 * Return: 0, or the error of creating the thread.
 */
int pen_stroke_thread_start(struct pen_device *pen)
{
	struct task_struct *t;

	if (!pen->hw.can_sleep)
		return 0;
	t = kthread_create(pen_stroke_thread_fn, pen, "pen%d-stroke", pen->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	/* The priority the kernel gives interrupt threads: above any task. */
	sched_set_fifo(t);
	pen->thread = t;
	wake_up_process(t);
	return 0;
}

/**
 * pen_stroke_thread_stop() - end the stroke thread
 * @pen: the pen, with its ops cleared and its timer cancelled, so that
 *	nothing wakes the thread any more
 */
void pen_stroke_thread_stop(struct pen_device *pen)
{
	if (!pen->thread)
		return;
	kthread_stop(pen->thread);
	pen->thread = NULL;
}
