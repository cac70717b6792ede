// SPDX-License-Identifier: GPL-2.0
/*
 * pen_vcm: the backend for a needle driven by a voice-coil motor.
 *
 * The hardware: an H-bridge whose PWM duty cycle sets the coil current
 * and so the depth the needle is pushed to against its return spring, an
 * enable line that cuts the bridge outright, a motor supply, and ADC
 * channels for the needle position, the coil current and (optionally)
 * the coil temperature. A cartridge-detect line with an EEPROM in the
 * cartridge, and up to four button lines, complete the pen.
 *
 * Any of these may sit behind a bus and sleep. Where the PWM and the
 * enable line do not, the core drives the strokes from its hard-irq
 * timer; else from its real-time stroke thread (pen-vcm-drive.c). This
 * file: probe, power and the pen_ops; pen-vcm-drive.c writes the
 * outputs; pen-vcm-feedback.c samples the strokes; pen-vcm-inputs.c
 * handles the cartridge and the buttons.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/iio/consumer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/nvmem-consumer.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/property.h>
#include <linux/pwm.h>
#include <linux/regulator/consumer.h>

#include "pen-compat.h"
#include "pen-vcm.h"

/*
 * The drive off: the enable line low (again, after a first cut), no
 * stroke in flight or left to the sampling thread, the PWM stopped. Any
 * context with @atomic; else vcm->lock held.
 */
static void pen_vcm_outputs_off(struct pen_vcm *vcm)
{
	unsigned long flags;
	int ret;

	flags = pen_vcm_drive_lock(vcm);
	pen_vcm_set_enable(vcm, 0);
	vcm->drive_on = false;
	vcm->in_flight = false;
	vcm->deferred = false;
	ret = pen_vcm_pwm_off(vcm);
	pen_vcm_drive_unlock(vcm, flags);
	if (ret)
		dev_err_ratelimited(vcm->dev, "cannot stop the PWM: %d\n", ret);
}

/*
 * Everything off, in the order that removes force from the needle
 * soonest: the bridge enable (again: a drive_enable() that ran between
 * our caller's first cut and our taking the lock raised it), then the
 * PWM, then the supply. None of it can be undone by a failure here, so
 * failures are only logged.
 */
static void pen_vcm_power_off_locked(struct pen_vcm *vcm)
{
	int ret;

	lockdep_assert_held(&vcm->lock);
	pen_vcm_outputs_off(vcm);
	if (vcm->powered) {
		ret = regulator_disable(vcm->motor);
		if (ret)
			dev_err_ratelimited(vcm->dev,
					    "cannot switch the motor supply off: %d\n",
					    ret);
		else
			vcm->powered = false;
	}
}

/*
 * The hard cut, first on every stop path, before anything that can
 * wait: the lock may be held by the sampling thread reading a slow ADC.
 * What it reads after this may be the needle on its way back: it sees
 * @cutting too (the barrier pairs with pen_vcm_measure()'s) and does not
 * report that stroke.
 */
static void pen_vcm_cut_enable(struct pen_vcm *vcm)
{
	WRITE_ONCE(vcm->cutting, true);
	smp_mb(); /* @cutting before the cut; see pen_vcm_measure() */
	pen_vcm_set_enable(vcm, 0);
}

/*
 * Cut the drive; with @block, also refuse drive_enable() until
 * unblocked (suspend, shutdown, removal). Process context.
 */
static void pen_vcm_off(struct pen_vcm *vcm, bool block)
{
	pen_vcm_cut_enable(vcm);

	mutex_lock(&vcm->lock);
	if (block)
		vcm->blocked = true;
	pen_vcm_power_off_locked(vcm);
	mutex_unlock(&vcm->lock);

	/*
	 * The stroke in flight, if any, is cut: it is not reported. The
	 * sampling thread finds drive_on false if it runs before this. The
	 * supply is off already, whatever an atomic cut left queued.
	 */
	pen_vcm_feedback_cancel(vcm);
	kthread_cancel_work_sync(&vcm->power_off_work);
}

/*
 * The cut of an @atomic pen, from any context, the core's hard-irq
 * timer included: the enable line, then the PWM, at once; the supply
 * from the sampling thread, which may sleep (pen_vcm_power_off_work()).
 */
static void pen_vcm_cut_atomic(struct pen_vcm *vcm)
{
	pen_vcm_cut_enable(vcm);
	pen_vcm_outputs_off(vcm);
	/* The stroke's sample is void; one already running finds it cut. */
	hrtimer_try_to_cancel(&vcm->reach_timer);
	kthread_queue_work(vcm->worker, &vcm->power_off_work);
}

/* After pen_vcm_cut_atomic(): the supply off, unless started again. */
static void pen_vcm_power_off_work(struct kthread_work *work)
{
	struct pen_vcm *vcm = container_of(work, struct pen_vcm, power_off_work);
	unsigned long flags;
	bool on;

	mutex_lock(&vcm->lock);
	flags = pen_vcm_drive_lock(vcm);
	on = vcm->drive_on;
	pen_vcm_drive_unlock(vcm, flags);
	/* Started again since (drive_enable() holds vcm->lock): leave it. */
	if (!on)
		pen_vcm_power_off_locked(vcm);
	mutex_unlock(&vcm->lock);
}

static int pen_vcm_drive_enable(struct pen_device *pen)
{
	struct pen_vcm *vcm = pen_get_drvdata(pen);
	unsigned long flags;
	int ret;

	mutex_lock(&vcm->lock);
	if (vcm->blocked) {
		ret = -EBUSY;
		goto unlock;
	}
	if (!vcm->powered) {
		ret = regulator_enable(vcm->motor);
		if (ret) {
			dev_err(vcm->dev, "cannot power the motor: %d\n", ret);
			goto unlock;
		}
		vcm->powered = true;
	}
	flags = pen_vcm_drive_lock(vcm);
	vcm->tripped = false;
	vcm->tripped_err = 0;
	WRITE_ONCE(vcm->cutting, false);
	pen_vcm_set_enable(vcm, 1);
	/* Energised but at rest: the first stroke sets a duty. */
	ret = pen_vcm_set_duty_locked(vcm, 0);
	if (!ret)
		vcm->drive_on = true;
	pen_vcm_drive_unlock(vcm, flags);
	if (ret) {
		dev_err(vcm->dev, "cannot start the PWM: %d\n", ret);
		pen_vcm_power_off_locked(vcm);
	}
unlock:
	mutex_unlock(&vcm->lock);
	return ret;
}

/* Called on every stop, also when stopped: everything is idempotent. */
static void pen_vcm_drive_disable(struct pen_device *pen)
{
	struct pen_vcm *vcm = pen_get_drvdata(pen);

	if (vcm->atomic)
		pen_vcm_cut_atomic(vcm);
	else
		pen_vcm_off(vcm, false);
}

/*
 * The stroke before is still out, unmeasured: the sampling thread fell
 * behind, or the core's stroke thread made that stroke late and this one
 * follows it closely. Driving the new depth now would leave the needle
 * in the skin, one long stroke counted as two. Let that stroke reach its
 * depth, measure and retract it here, and give the needle its reach time
 * to come back: this stroke is up to twice the reach time late (later
 * than the core measured), but it is a stroke. Rare under real-time
 * scheduling. (An @atomic pen cannot wait here: its sampling thread
 * catches up instead, pen_vcm_stroke_atomic().)
 */
static void pen_vcm_catch_up_locked(struct pen_vcm *vcm,
				    struct pen_vcm_outcome *out)
{
	u64 since = ktime_get_ns() - vcm->cmd_ns;

	lockdep_assert_held(&vcm->lock);
	if (since < vcm->reach_ns)
		fsleep(div_u64(vcm->reach_ns - since, NSEC_PER_USEC) + 1);
	pen_vcm_measure(vcm, out);
	if (!vcm->tripped)
		fsleep(div_u64(vcm->reach_ns, NSEC_PER_USEC));
}

/*
 * Apply the stroke and return: the sampling thread measures it reach_ns
 * later and retracts the needle. From the core's stroke thread.
 */
static int pen_vcm_stroke(struct pen_device *pen, u64 seq, u32 depth_um)
{
	struct pen_vcm *vcm = pen_get_drvdata(pen);
	struct pen_vcm_outcome out = { .fault = PEN_FAULT_NONE };
	int ret;

	mutex_lock(&vcm->lock);
	if (vcm->drive_on && !vcm->tripped && vcm->in_flight)
		pen_vcm_catch_up_locked(vcm, &out);
	if (!vcm->drive_on)
		ret = -EIO;
	else if (vcm->tripped)
		/* We cut the drive; the core stops a wake-up later. */
		ret = vcm->tripped_err;
	else
		ret = pen_vcm_start_stroke_locked(vcm, seq, depth_um);
	mutex_unlock(&vcm->lock);
	pen_vcm_tell(vcm, &out);
	return ret;
}

/*
 * The same, for an @atomic pen, from the core's hard-irq timer. A stroke
 * before that is still unmeasured cannot be waited for here: this one is
 * left to the sampling thread, which drives it once it has measured and
 * retracted that one (pen_vcm_run_deferred()), as late as the stroke
 * thread's catch-up makes it. One more while that one is left is not
 * made: -EAGAIN, and the core counts it missed (and stops the needle
 * with a timing fault if the sampling thread stays behind).
 */
static int pen_vcm_stroke_atomic(struct pen_device *pen, u64 seq, u32 depth_um)
{
	struct pen_vcm *vcm = pen_get_drvdata(pen);
	unsigned long flags;
	int ret = 0;

	flags = pen_vcm_drive_lock(vcm);
	if (!vcm->drive_on) {
		ret = -EIO;
	} else if (vcm->tripped) {
		ret = vcm->tripped_err;
	} else if (vcm->deferred) {
		dev_warn_ratelimited(vcm->dev,
				     "stroke %llu not made: the sampling thread is two strokes behind\n",
				     seq);
		ret = -EAGAIN;
	} else if (vcm->in_flight) {
		vcm->deferred = true;
		vcm->deferred_seq = seq;
		vcm->deferred_um = depth_um;
	} else {
		ret = pen_vcm_start_stroke_locked(vcm, seq, depth_um);
	}
	pen_vcm_drive_unlock(vcm, flags);
	return ret;
}

static const struct pen_ops pen_vcm_ops = {
	.drive_enable = pen_vcm_drive_enable,
	.drive_disable = pen_vcm_drive_disable,
	.stroke = pen_vcm_stroke,
};

static const struct pen_ops pen_vcm_atomic_ops = {
	.drive_enable = pen_vcm_drive_enable,
	.drive_disable = pen_vcm_drive_disable,
	.stroke = pen_vcm_stroke_atomic,
};

static u32 pen_vcm_prop(struct device *dev, const char *name, u32 def)
{
	u32 val;

	return device_property_read_u32(dev, name, &val) ? def : val;
}

/* The u32 properties a pen cannot do without; none may be 0. */
static const struct {
	const char *name;
	size_t offset;		/* of the u32 in struct pen_vcm */
} pen_vcm_required_props[] = {
	{ "pen,travel-um", offsetof(struct pen_vcm, travel_um) },
	{ "pen,current-limit-microamp",
	  offsetof(struct pen_vcm, cal.cur_limit_ua) },
	{ "pen,position-counts-per-mm",
	  offsetof(struct pen_vcm, cal.pos_per_mm) },
	{ "pen,current-counts-per-amp",
	  offsetof(struct pen_vcm, cal.cur_per_amp) },
};

static int pen_vcm_read_required_props(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pen_vcm_required_props); i++) {
		const char *name = pen_vcm_required_props[i].name;
		u32 *val = (u32 *)((char *)vcm +
				   pen_vcm_required_props[i].offset);

		ret = device_property_read_u32(dev, name, val);
		if (ret)
			return dev_err_probe(dev, ret, "property %s missing\n",
					     name);
		if (!*val)
			return dev_err_probe(dev, -EINVAL,
					     "property %s is 0\n", name);
	}
	return 0;
}

static int pen_vcm_read_props(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	struct pen_hw_info *hw = &vcm->hw;
	u32 rate_min_hz, rate_max_hz, reach_us;
	int ret;

	ret = pen_vcm_read_required_props(vcm);
	if (ret)
		return ret;
	vcm->cal.pos_zero = pen_vcm_prop(dev, "pen,position-zero-counts", 0);
	vcm->cal.cur_zero = pen_vcm_prop(dev, "pen,current-zero-counts", 0);
	vcm->cal.temp_limit_mc =
		pen_vcm_prop(dev, "pen,temperature-limit-millicelsius", 60000);

	hw->depth_max_um = vcm->travel_um;
	hw->depth_min_um = pen_vcm_prop(dev, "pen,depth-min-um", 0);
	hw->depth_step_um = pen_vcm_prop(dev, "pen,depth-step-um", 10);
	hw->needle_count = pen_vcm_prop(dev, "pen,needle-count", 12);
	rate_min_hz = pen_vcm_prop(dev, "pen,stroke-rate-min-hz", 25);
	rate_max_hz = pen_vcm_prop(dev, "pen,stroke-rate-max-hz", 300);
	reach_us = pen_vcm_prop(dev, "pen,reach-time-us", 500);
	vcm->debounce_ms = pen_vcm_prop(dev, "debounce-interval", 5);

	if (!rate_min_hz || rate_min_hz > rate_max_hz ||
	    rate_max_hz > PEN_RATE_LIMIT_MHZ / 1000)
		return dev_err_probe(dev, -EINVAL,
				     "bad stroke rates %u..%u Hz\n",
				     rate_min_hz, rate_max_hz);
	hw->rate_min_mhz = rate_min_hz * 1000;
	hw->rate_max_mhz = rate_max_hz * 1000;
	/* A needle there at once is a reach time not measured. */
	if (!reach_us)
		return dev_err_probe(dev, -EINVAL, "pen,reach-time-us is 0\n");
	/*
	 * Each stroke is sampled and retracted before the next one at the
	 * fastest rate, or it would never be measured.
	 */
	if ((u64)reach_us * rate_max_hz >= USEC_PER_SEC)
		return dev_err_probe(dev, -EINVAL,
				     "pen,reach-time-us %u does not fit a stroke at %u Hz\n",
				     reach_us, rate_max_hz);
	vcm->reach_ns = (u64)reach_us * NSEC_PER_USEC;

	if (device_property_read_string(dev, "pen,model", &vcm->model))
		vcm->model = "pen-vcm";
	if (device_property_read_string(dev, "serial-number", &vcm->serial))
		vcm->serial = dev_name(dev);
	hw->model = vcm->model;
	hw->serial = vcm->serial;
	/*
	 * The stroke and the cut write the PWM and the enable line only:
	 * where neither sleeps, they run in the core's hard-irq timer.
	 */
	hw->can_sleep = !vcm->atomic;
	return 0;
}

/* The outputs, left known-off: bridge disabled, PWM stopped, no supply. */
static int pen_vcm_get_outputs(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	struct pwm_state state;
	int ret;

	/* Requested low: the bridge is off from here on. */
	vcm->enable = devm_gpiod_get(dev, "enable", GPIOD_OUT_LOW);
	if (IS_ERR(vcm->enable))
		return dev_err_probe(dev, PTR_ERR(vcm->enable),
				     "no enable GPIO\n");

	vcm->pwm = devm_pwm_get(dev, "drive");
	if (IS_ERR(vcm->pwm))
		return dev_err_probe(dev, PTR_ERR(vcm->pwm), "no drive PWM\n");
	pwm_init_state(vcm->pwm, &state);
	if (!state.period || state.period > U32_MAX)
		return dev_err_probe(dev, -EINVAL, "bad PWM period %llu ns\n",
				     (u64)state.period);
	vcm->period_ns = state.period;
	/*
	 * Not on PREEMPT_RT: there a controller that "never sleeps" may
	 * still take a spinlock_t, which sleeps on RT (the PWM core itself
	 * does from 6.13), and the stroke timer runs in hard-irq context.
	 * RT bounds the stroke thread's wake-up instead.
	 */
	vcm->atomic = !IS_ENABLED(CONFIG_PREEMPT_RT) &&
		      !pen_pwm_might_sleep(vcm->pwm) &&
		      !gpiod_cansleep(vcm->enable);
	ret = pen_vcm_pwm_off(vcm);
	if (ret)
		return dev_err_probe(dev, ret, "cannot stop the PWM\n");

	/*
	 * Never enabled by us until drive_enable(). Optional only to the
	 * regulator core: devm_regulator_get() would hand a board without
	 * the supply a dummy one, and the coil would run unswitched.
	 */
	vcm->motor = devm_regulator_get_optional(dev, "motor");
	if (IS_ERR(vcm->motor))
		return dev_err_probe(dev, PTR_ERR(vcm->motor),
				     "no motor supply\n");
	return 0;
}

static int pen_vcm_get_sensors(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;

	vcm->position = devm_iio_channel_get(dev, "position");
	if (IS_ERR(vcm->position))
		return dev_err_probe(dev, PTR_ERR(vcm->position),
				     "no position channel\n");
	vcm->current_ch = devm_iio_channel_get(dev, "current");
	if (IS_ERR(vcm->current_ch))
		return dev_err_probe(dev, PTR_ERR(vcm->current_ch),
				     "no current channel\n");
	/* Optional: -ENODEV means the board has none. */
	vcm->temperature = devm_iio_channel_get(dev, "temperature");
	if (IS_ERR(vcm->temperature)) {
		if (PTR_ERR(vcm->temperature) != -ENODEV)
			return dev_err_probe(dev, PTR_ERR(vcm->temperature),
					     "bad temperature channel\n");
		vcm->temperature = NULL;
	}
	return 0;
}

/*
 * Undoes the probe's steps that follow the registration, once the core
 * has unregistered the pen (see pen_vcm_probe() for the order): keep
 * the drive off, quiet every source of reports, then let the pen go.
 */
static void pen_vcm_release(void *data)
{
	struct pen_vcm *vcm = data;

	if (!vcm->pen)
		return;
	pen_vcm_off(vcm, true);
	pen_vcm_inputs_stop(vcm);
	pen_vcm_feedback_cancel(vcm);
	put_device(pen_to_dev(vcm->pen));
}

/*
 * What the pen is made of, in order; each step's resources are devm, the
 * outputs first, left off, so that the drive is known-off from then on.
 */
static int (* const pen_vcm_probe_steps[])(struct pen_vcm *vcm) = {
	pen_vcm_get_outputs,
	pen_vcm_get_sensors,
	pen_vcm_read_props,
	pen_vcm_inputs_get,
	pen_vcm_feedback_init,
};

/*
 * Everything is undone by devres, in the reverse order of acquisition,
 * so probe's error path and the removal are one and the same:
 *
 *  1. the pen's registration (devm_pen_register()), acquired last: the
 *     core's stop for the removal cuts the drive (our drive_disable(),
 *     the enable line first) before anything else, records
 *     PEN_STOP_REMOVED, hangs up the readers and removes /dev/penN.
 *     Cutting before this would stop a running needle as a backend
 *     failure instead, and refuse a START racing the removal with EBUSY
 *     instead of ENODEV;
 *  2. pen_vcm_release(): the drive kept off and blocked, the input
 *     interrupts freed and the sampling stopped, so no more reports,
 *     then our reference to the pen dropped: it stays allocated until
 *     our reporters are quiet;
 *  3. the sampling timer and thread (pen_vcm_feedback_init());
 *  4. the lines, the PWM, the supply and the ADC channels, which the
 *     drive needs to be cut and so go last.
 */
static int pen_vcm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct pen_device *pen;
	struct pen_vcm *vcm;
	unsigned int i;
	int ret;

	vcm = devm_kzalloc(dev, sizeof(*vcm), GFP_KERNEL);
	if (!vcm)
		return -ENOMEM;
	vcm->dev = dev;
	mutex_init(&vcm->lock);
	raw_spin_lock_init(&vcm->drive_lock);
	kthread_init_work(&vcm->power_off_work, pen_vcm_power_off_work);
	mutex_init(&vcm->cart_lock);
	platform_set_drvdata(pdev, vcm);

	for (i = 0; i < ARRAY_SIZE(pen_vcm_probe_steps); i++) {
		ret = pen_vcm_probe_steps[i](vcm);
		if (ret)
			return ret;
	}
	/* Before the registration, so that it is undone after it. */
	ret = devm_add_action_or_reset(dev, pen_vcm_release, vcm);
	if (ret)
		return ret;

	pen = devm_pen_register(dev, "pen_vcm",
				vcm->atomic ? &pen_vcm_atomic_ops : &pen_vcm_ops,
				&vcm->hw, vcm);
	if (IS_ERR(pen))
		return dev_err_probe(dev, PTR_ERR(pen), "cannot register\n");
	/*
	 * Keep the pen allocated until our own reporters (interrupts, the
	 * sampling thread) are stopped, which is after pen_unregister().
	 */
	get_device(pen_to_dev(pen));
	vcm->pen = pen;

	ret = pen_vcm_inputs_start(vcm);
	if (ret)
		return ret;
	dev_info(dev, "%s: travel %u um, PWM period %llu ns%s, strokes from the %s\n",
		 dev_name(pen_to_dev(pen)), vcm->travel_um, vcm->period_ns,
		 vcm->temperature ? ", temperature sensed" : "",
		 vcm->atomic ? "hard-irq timer" : "stroke thread");
	return 0;
}

/* Reboot, halt, kexec: the needle must not move again. */
static void pen_vcm_shutdown(struct platform_device *pdev)
{
	pen_vcm_off(platform_get_drvdata(pdev), true);
}

/*
 * The core stopped the pen already (its device is our child and
 * suspends first); this makes sure of the hardware whatever happened.
 */
static int pen_vcm_suspend(struct device *dev)
{
	pen_vcm_off(dev_get_drvdata(dev), true);
	return 0;
}

/* Stopped still: only the controller's next START powers the drive. */
static int pen_vcm_resume(struct device *dev)
{
	struct pen_vcm *vcm = dev_get_drvdata(dev);

	mutex_lock(&vcm->lock);
	vcm->blocked = false;
	mutex_unlock(&vcm->lock);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(pen_vcm_pm_ops, pen_vcm_suspend,
				pen_vcm_resume);

static const struct of_device_id pen_vcm_of_match[] = {
	{ .compatible = "pen,vcm-needle-drive" },
	{ }
};
MODULE_DEVICE_TABLE(of, pen_vcm_of_match);

/* Board files and the test bench create "pen-vcm" platform devices. */
static const struct platform_device_id pen_vcm_ids[] = {
	{ .name = "pen-vcm" },
	{ }
};
MODULE_DEVICE_TABLE(platform, pen_vcm_ids);

static struct platform_driver pen_vcm_driver = {
	.driver = {
		.name = "pen-vcm",
		.of_match_table = pen_vcm_of_match,
		.pm = pm_sleep_ptr(&pen_vcm_pm_ops),
	},
	.id_table = pen_vcm_ids,
	.probe = pen_vcm_probe,
	.shutdown = pen_vcm_shutdown,
};
module_platform_driver(pen_vcm_driver);

MODULE_DESCRIPTION("pen backend: voice-coil needle drive");
MODULE_LICENSE("GPL");
