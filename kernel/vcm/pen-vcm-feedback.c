// SPDX-License-Identifier: GPL-2.0
/*
 * The feedback of the voice-coil pen: each stroke is measured once, a
 * fixed reach time after it was commanded, when the needle should be at
 * its depth.
 *
 * A hard-irq hrtimer marks the moment: hard-irq so that its lateness
 * does not depend on a softirq thread being scheduled. The ADC reads may
 * sleep (an ADC on SPI or I2C), so the timer only queues work on the
 * pen's own real-time kthread_worker, which does the reads, reports the
 * stroke, checks the current and temperature limits and retracts; for a
 * pen driven from the core's hard-irq timer it also drives a stroke that
 * came while the one before was still unmeasured.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/iio/consumer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>

#include "pen-compat.h"
#include "pen-vcm.h"

/* Hard-irq context: nothing here may sleep. */
static enum hrtimer_restart pen_vcm_reach_timer(struct hrtimer *timer)
{
	struct pen_vcm *vcm = container_of(timer, struct pen_vcm, reach_timer);

	/*
	 * kthread_queue_work() takes only the worker's raw spinlock and
	 * wakes the thread, so it is safe here, on PREEMPT_RT too. Already
	 * queued (the thread is behind), the one run samples this stroke.
	 */
	kthread_queue_work(vcm->worker, &vcm->sample_work);
	return HRTIMER_NORESTART;
}

/* The drive's state locked: a stroke was just applied. */
void pen_vcm_feedback_arm(struct pen_vcm *vcm)
{
	hrtimer_start(&vcm->reach_timer, ns_to_ktime(vcm->reach_ns),
		      HRTIMER_MODE_REL_HARD);
}

/* Nothing pending or running once this returns; process context. */
void pen_vcm_feedback_cancel(struct pen_vcm *vcm)
{
	hrtimer_cancel(&vcm->reach_timer);
	kthread_cancel_work_sync(&vcm->sample_work);
}

/*
 * We cut the drive ourselves: the enable line at once, and every stroke
 * from now on returns @err instead of driving, until the core cuts the
 * drive (it stops at the next stroke) and powers it again.
 */
static void pen_vcm_trip_locked(struct pen_vcm *vcm, int err)
{
	pen_vcm_assert_drive_locked(vcm);
	pen_vcm_set_enable(vcm, 0);
	vcm->tripped = true;
	vcm->tripped_err = err;
	vcm->deferred = false;
}

/* Raw ADC counts to a physical value: (raw - zero) * scale / per_unit. */
static s64 pen_vcm_scale(int raw, u32 zero, u32 scale, u32 per_unit)
{
	return div_s64(((s64)raw - zero) * scale, per_unit);
}

/*
 * What the sensors read: @ret is 0 or the first read's error; @in_flight
 * and @seq the stroke in flight as the reads began, if any.
 */
struct pen_vcm_reading {
	int ret;
	int pos;
	int cur;
	int temp_mc;
	bool in_flight;
	u64 seq;
};

/* The reads, which may sleep: vcm->lock held, the drive's lock not. */
static void pen_vcm_read_sensors(struct pen_vcm *vcm, struct pen_vcm_reading *r)
{
	lockdep_assert_held(&vcm->lock);
	r->temp_mc = 0;
	r->ret = iio_read_channel_raw(vcm->current_ch, &r->cur);
	if (r->ret >= 0)
		r->ret = iio_read_channel_raw(vcm->position, &r->pos);
	if (r->ret >= 0 && vcm->temperature)
		r->ret = iio_read_channel_processed(vcm->temperature, &r->temp_mc);
}

/*
 * Judge what was read, the drive's state locked: the limits first, so
 * that the enable line drops before any report, then the stroke's
 * depth, then retract.
 */
static void pen_vcm_judge_locked(struct pen_vcm *vcm,
				 const struct pen_vcm_reading *r,
				 struct pen_vcm_outcome *out)
{
	s64 cur_ua, pos_um;
	int ret;

	pen_vcm_assert_drive_locked(vcm);
	/*
	 * An @atomic pen's cut does not wait for vcm->lock: one that came
	 * during the reads has turned everything off, the PWM too, and the
	 * stroke was cut short.
	 */
	if (!vcm->drive_on)
		return;
	if (r->ret < 0) {
		/*
		 * Blind, the limits cannot be enforced: cut now, and the next
		 * stroke fails, which stops the needle (PEN_STOP_BACKEND).
		 */
		pen_vcm_trip_locked(vcm, -EIO);
		dev_err_ratelimited(vcm->dev, "cannot read the sensors: %d\n",
				    r->ret);
		return;
	}

	cur_ua = pen_vcm_scale(r->cur, vcm->cal.cur_zero, 1000000,
			       vcm->cal.cur_per_amp);
	if (cur_ua > vcm->cal.cur_limit_ua) {
		pen_vcm_trip_locked(vcm, 0);
		out->fault = PEN_FAULT_OVERCURRENT;
		out->value = min_t(s64, div_s64(cur_ua, 1000), U32_MAX);
	} else if (vcm->temperature && r->temp_mc > (s64)vcm->cal.temp_limit_mc) {
		pen_vcm_trip_locked(vcm, 0);
		out->fault = PEN_FAULT_OVERTEMP;
		out->value = r->temp_mc;
	}

	/*
	 * A stroke that an @atomic pen's timer began during the reads is
	 * not the one they measured: it is left to its own sample, neither
	 * reported nor retracted here. (With the mutex held throughout, as
	 * without @atomic, none can begin.)
	 */
	if (vcm->in_flight && !(r->in_flight && r->seq == vcm->seq))
		return;

	/*
	 * A stop that began cutting the drive before these reads may have
	 * caught the needle on its way back: that stroke was cut short and
	 * is not reported (pairs with the barrier in pen_vcm_cut_enable()).
	 */
	smp_mb(); /* the reads before @cutting; see pen_vcm_cut_enable() */
	if (READ_ONCE(vcm->cutting))
		vcm->in_flight = false;
	if (vcm->in_flight) {
		/* A needle pushed back beyond its rest reads as 0. */
		pos_um = pen_vcm_scale(r->pos, vcm->cal.pos_zero, 1000,
				       vcm->cal.pos_per_mm);
		out->reached_um = clamp_t(s64, pos_um, 0, U32_MAX);
		out->seq = vcm->seq;
		vcm->in_flight = false;
		out->report = true;
	}

	/* Retract: the stroke is done. With the enable low, harmless. */
	ret = pen_vcm_set_duty_locked(vcm, 0);
	if (ret) {
		pen_vcm_trip_locked(vcm, -EIO);
		dev_err_ratelimited(vcm->dev, "cannot retract: %d\n", ret);
	}
}

/**
 * pen_vcm_measure() - measure the stroke in flight, then retract
 * @vcm: the pen, with vcm->lock held, its drive on and not tripped
 * @out: what to tell the core once the lock is dropped
 */
void pen_vcm_measure(struct pen_vcm *vcm, struct pen_vcm_outcome *out)
{
	struct pen_vcm_reading r;
	unsigned long flags;

	flags = pen_vcm_drive_lock(vcm);
	r.in_flight = vcm->in_flight;
	r.seq = vcm->seq;
	pen_vcm_drive_unlock(vcm, flags);
	pen_vcm_read_sensors(vcm, &r);
	flags = pen_vcm_drive_lock(vcm);
	pen_vcm_judge_locked(vcm, &r, out);
	pen_vcm_drive_unlock(vcm, flags);
}

/* Tell the core, without vcm->lock: its raw spinlock only, any order. */
void pen_vcm_tell(struct pen_vcm *vcm, const struct pen_vcm_outcome *out)
{
	if (out->report)
		pen_report_stroke(vcm->pen, out->seq, out->reached_um);
	if (out->fault != PEN_FAULT_NONE)
		pen_report_fault(vcm->pen, out->fault, out->value);
}

/*
 * An @atomic pen's stroke left to us (pen_vcm_stroke_atomic()): the one
 * before it is measured and retracted; give the needle its reach time to
 * come back, then drive it, unless a stop or a trip came meanwhile.
 * vcm->lock held, so no drive_enable() can come between.
 */
static void pen_vcm_run_deferred(struct pen_vcm *vcm)
{
	unsigned long flags;
	bool deferred;
	int ret;

	flags = pen_vcm_drive_lock(vcm);
	deferred = vcm->deferred;
	pen_vcm_drive_unlock(vcm, flags);
	if (!deferred)
		return;
	fsleep(div_u64(vcm->reach_ns, NSEC_PER_USEC));

	flags = pen_vcm_drive_lock(vcm);
	/* Not once a stop began cutting, which waits for vcm->lock. */
	if (vcm->deferred && vcm->drive_on && !vcm->tripped &&
	    !READ_ONCE(vcm->cutting)) {
		ret = pen_vcm_start_stroke_locked(vcm, vcm->deferred_seq,
						  vcm->deferred_um);
		/* The core hears of it at its next stroke. */
		if (ret)
			pen_vcm_trip_locked(vcm, ret);
	}
	vcm->deferred = false;
	pen_vcm_drive_unlock(vcm, flags);
}

static void pen_vcm_sample(struct kthread_work *work)
{
	struct pen_vcm *vcm = container_of(work, struct pen_vcm, sample_work);
	struct pen_vcm_outcome out = { .fault = PEN_FAULT_NONE };
	unsigned long flags;
	bool due;

	mutex_lock(&vcm->lock);
	flags = pen_vcm_drive_lock(vcm);
	/*
	 * Not when cut by drive_disable() or by us: the stroke is not
	 * reported. Nor when queued for a stroke that the next one overtook
	 * (this thread ran late): the needle is still on its way to the new
	 * depth, and the new stroke's own timer queues this again when it is
	 * there.
	 */
	due = vcm->drive_on && !vcm->tripped &&
	      !(vcm->in_flight && ktime_get_ns() - vcm->cmd_ns < vcm->reach_ns);
	pen_vcm_drive_unlock(vcm, flags);
	if (due) {
		pen_vcm_measure(vcm, &out);
		pen_vcm_run_deferred(vcm);
	}
	mutex_unlock(&vcm->lock);
	pen_vcm_tell(vcm, &out);
}

static void pen_vcm_worker_destroy(void *data)
{
	kthread_destroy_worker(data);
}

static void pen_vcm_timer_cancel(void *data)
{
	struct pen_vcm *vcm = data;

	hrtimer_cancel(&vcm->reach_timer);
}

int pen_vcm_feedback_init(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	int ret;

	kthread_init_work(&vcm->sample_work, pen_vcm_sample);
	vcm->worker = kthread_create_worker(0, "pen_vcm/%s", dev_name(dev));
	if (IS_ERR(vcm->worker))
		return dev_err_probe(dev, PTR_ERR(vcm->worker),
				     "cannot create the sampling thread\n");
	/*
	 * The samples decide when an overcurrent cuts the drive: as urgent
	 * as the strokes themselves, so real-time like the core's thread.
	 */
	sched_set_fifo(vcm->worker->task);
	pen_note_thread_preemption(dev);
	ret = devm_add_action_or_reset(dev, pen_vcm_worker_destroy,
				       vcm->worker);
	if (ret)
		return ret;

	pen_hrtimer_setup(&vcm->reach_timer, pen_vcm_reach_timer,
			  CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	/* Released before the worker: no timer can queue work on it then. */
	return devm_add_action_or_reset(dev, pen_vcm_timer_cancel, vcm);
}
