// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs of the voice-coil pen, the PWM and the H-bridge enable
 * line, and the lock that guards the drive's state.
 *
 * Most SoC PWM controllers and GPIO blocks are registers that never
 * sleep; one behind I2C or SPI does. Where both outputs never sleep
 * (vcm->atomic, decided at probe), the pen is registered without
 * can_sleep and the core calls its stroke and its cut from its hard-irq
 * stroke timer: the drive's state is then guarded by a raw spinlock, and
 * the outputs are written with the calls made for atomic context. Where
 * either may sleep, the core calls from its stroke thread and vcm->lock,
 * held by every caller, guards it all. The ADC and the supply may always
 * sleep: they stay on the sampling thread and in process context.
 */
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "pen-compat.h"
#include "pen-vcm.h"

/*
 * Take the drive's state: the raw spinlock with @atomic; without, the
 * caller's vcm->lock already covers it. The sparse annotations count
 * both alike.
 */
unsigned long pen_vcm_drive_lock(struct pen_vcm *vcm)
	__acquires(&vcm->drive_lock)
{
	unsigned long flags = 0;

	if (vcm->atomic) {
		raw_spin_lock_irqsave(&vcm->drive_lock, flags);
	} else {
		lockdep_assert_held(&vcm->lock);
		__acquire(&vcm->drive_lock);
	}
	return flags;
}

void pen_vcm_drive_unlock(struct pen_vcm *vcm, unsigned long flags)
	__releases(&vcm->drive_lock)
{
	if (vcm->atomic)
		raw_spin_unlock_irqrestore(&vcm->drive_lock, flags);
	else
		__release(&vcm->drive_lock);
}

void pen_vcm_assert_drive_locked(struct pen_vcm *vcm)
{
	if (vcm->atomic)
		lockdep_assert_held(&vcm->drive_lock);
	else
		lockdep_assert_held(&vcm->lock);
}

/* The H-bridge enable line; any context with @atomic. */
void pen_vcm_set_enable(struct pen_vcm *vcm, int on)
{
	if (vcm->atomic)
		gpiod_set_value(vcm->enable, on);
	else
		gpiod_set_value_cansleep(vcm->enable, on);
}

static int pen_vcm_pwm_apply(struct pen_vcm *vcm, const struct pwm_state *state)
{
	if (vcm->atomic)
		return pen_pwm_apply_atomic(vcm->pwm, state);
	return pen_pwm_apply(vcm->pwm, state);
}

/*
 * Apply the duty cycle for @depth_um, the PWM enabled. Rounded to the
 * nearest nanosecond of duty: depth is linear in duty (the coil's force
 * against the spring), travel_um at 100 %.
 */
int pen_vcm_set_duty_locked(struct pen_vcm *vcm, u32 depth_um)
{
	struct pwm_state state;

	pen_vcm_assert_drive_locked(vcm);
	pwm_init_state(vcm->pwm, &state);
	state.period = vcm->period_ns;
	/* period < 2^32 (checked at probe): the product fits in 64 bits */
	state.duty_cycle = DIV_ROUND_CLOSEST_ULL((u64)min(depth_um, vcm->travel_um) *
						 vcm->period_ns, vcm->travel_um);
	state.enabled = true;
	return pen_vcm_pwm_apply(vcm, &state);
}

/* The PWM stopped: its output at the inactive level, no duty. */
int pen_vcm_pwm_off(struct pen_vcm *vcm)
{
	struct pwm_state state;

	pwm_init_state(vcm->pwm, &state);
	state.period = vcm->period_ns;
	state.duty_cycle = 0;
	state.enabled = false;
	return pen_vcm_pwm_apply(vcm, &state);
}

/*
 * Drive stroke @seq to @depth_um and have it sampled reach_ns later;
 * the drive on and untripped, no stroke in flight.
 */
int pen_vcm_start_stroke_locked(struct pen_vcm *vcm, u64 seq, u32 depth_um)
{
	int ret;

	pen_vcm_assert_drive_locked(vcm);
	ret = pen_vcm_set_duty_locked(vcm, depth_um);
	if (ret) {
		dev_err_ratelimited(vcm->dev, "cannot set the PWM: %d\n", ret);
		return ret;
	}
	vcm->seq = seq;
	vcm->cmd_ns = ktime_get_ns();
	vcm->in_flight = true;
	pen_vcm_feedback_arm(vcm);
	return 0;
}
