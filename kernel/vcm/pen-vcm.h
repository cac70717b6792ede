/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pen_vcm: a needle driven by a voice-coil motor through an H-bridge,
 * shared by the files of the pen_vcm module.
 */
#ifndef _PEN_VCM_H
#define _PEN_VCM_H

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/pwm.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "pen-backend.h"

struct device;
struct gpio_desc;
struct iio_channel;
struct regulator;
struct pen_vcm;

/**
 * struct pen_vcm_button - one button or footswitch line
 * @vcm: the pen it belongs to
 * @gpio: the line; active means pressed
 * @irq: its interrupt, once requested; else 0
 * @button: which button it is, for pen_report_button()
 * @work: reads the line once it has settled after an edge
 * @pressed: the state last reported
 */
struct pen_vcm_button {
	struct pen_vcm *vcm;
	struct gpio_desc *gpio;
	int irq;
	enum pen_button button;
	struct delayed_work work;
	unsigned long edge_jiffies;	/* its line's last edge */
	bool pressed;
};

/**
 * struct pen_vcm_calib - how raw ADC counts map to physical units
 * @pos_zero: position counts with the needle retracted
 * @pos_per_mm: position counts per millimetre of travel; non-zero
 * @cur_zero: current counts at zero coil current
 * @cur_per_amp: current counts per ampere; non-zero
 * @cur_limit_ua: coil current above which the drive is cut
 * @temp_limit_mc: temperature above which the drive is cut
 */
struct pen_vcm_calib {
	u32 pos_zero;
	u32 pos_per_mm;
	u32 cur_zero;
	u32 cur_per_amp;
	u32 cur_limit_ua;
	u32 temp_limit_mc;
};

/**
 * struct pen_vcm - one pen
 * @dev: the platform device
 * @pen: the pen registered with the core
 * @hw: what the core is told
 * @model: model string, from pen,model
 * @serial: serial number string
 * @pwm: the drive PWM; duty cycle sets the depth
 * @enable: the H-bridge enable line, the hard cut
 * @motor: the motor supply
 * @position: the needle position ADC channel
 * @current_ch: the coil current ADC channel
 * @temperature: the coil temperature channel, or NULL
 * @cart_detect: the cartridge-detect line; active means present
 * @cart_irq: its interrupt, once requested; else 0
 * @buttons: the button lines that exist, by enum pen_button
 * @travel_um: needle depth at 100 % duty
 * @reach_ns: time from a stroke's command to its sample
 * @debounce_ms: button debounce and cartridge-detect settle time
 * @cal: calibration and limits
 * @period_ns: PWM period
 * @atomic: neither the PWM nor the enable line sleeps, and the kernel is
 *	not PREEMPT_RT: the core calls the stroke and the cut from its
 *	hard-irq timer (hw.can_sleep false)
 * @worker: the sampling thread, real-time
 * @sample_work: reads the sensors of the stroke in flight
 * @power_off_work: switches the supply off after a cut made in atomic
 *	context, which cannot wait for the regulator
 * @reach_timer: fires reach_ns after a stroke is commanded
 * @lock: serialises what sleeps: the supply, the sensor reads, starting
 *	and stopping from process context; without @atomic, also everything
 *	@drive_lock guards
 * @powered: the motor supply is on (our enable count is one); @lock
 * @blocked: suspend, shutdown or removal: drive_enable() is refused; @lock
 * @drive_lock: with @atomic, the drive's state below and every PWM and
 *	enable-line write, taken inside @lock where both are
 * @drive_on: drive_enable() succeeded and no stop came since
 * @cutting: a stop began cutting the drive: set, outside both locks,
 *	before the enable line drops; cleared by drive_enable()
 * @tripped: we cut the drive ourselves: a limit was exceeded (0) or a
 *	sensor failed (-EIO); the next stroke returns this instead
 * @tripped_err: see @tripped
 * @in_flight: a stroke waits for its sample
 * @seq: the core's number of the stroke in flight
 * @cmd_ns: when it was applied (CLOCK_MONOTONIC)
 * @deferred: with @atomic, a stroke came while the one before was still
 *	unmeasured: the sampling thread drives it once it has measured and
 *	retracted that one
 * @deferred_seq: its number
 * @deferred_um: its depth
 * @cart_lock: serialises the cartridge state below
 * @cart_present: the core was told a cartridge is in
 * @cart_id: its id
 */
struct pen_vcm {
	struct device *dev;
	struct pen_device *pen;
	struct pen_hw_info hw;
	const char *model;
	const char *serial;

	struct pwm_device *pwm;
	struct gpio_desc *enable;
	struct regulator *motor;
	struct iio_channel *position;
	struct iio_channel *current_ch;
	struct iio_channel *temperature;
	struct gpio_desc *cart_detect;
	int cart_irq;
	struct pen_vcm_button *buttons[PEN_BUTTON_COUNT];

	u32 travel_um;
	u64 reach_ns;
	u32 debounce_ms;
	struct pen_vcm_calib cal;
	u64 period_ns;

	bool atomic;

	struct kthread_worker *worker;
	struct kthread_work sample_work;
	struct kthread_work power_off_work;
	struct hrtimer reach_timer;

	struct mutex lock;		/* see @lock above */
	bool powered;
	bool blocked;

	raw_spinlock_t drive_lock;	/* see @drive_lock above */
	bool drive_on;
	bool cutting;
	bool tripped;
	int tripped_err;
	bool in_flight;
	u64 seq;
	u64 cmd_ns;
	bool deferred;
	u64 deferred_seq;
	u32 deferred_um;

	struct mutex cart_lock;		/* see @cart_lock above */
	bool cart_present;
	u64 cart_id;
};

/**
 * struct pen_vcm_outcome - what a measurement has to tell the core
 * @report: a stroke was measured: @seq reached @reached_um
 * @seq: see @report
 * @reached_um: see @report
 * @fault: PEN_FAULT_NONE, or the limit exceeded
 * @value: what it measured, as pen_report_fault() takes it
 */
struct pen_vcm_outcome {
	bool report;
	u64 seq;
	u32 reached_um;
	u32 fault;
	u32 value;
};

/* pen-vcm-drive.c: the outputs, and the lock of the drive's state */
unsigned long pen_vcm_drive_lock(struct pen_vcm *vcm)
	__acquires(&vcm->drive_lock);
void pen_vcm_drive_unlock(struct pen_vcm *vcm, unsigned long flags)
	__releases(&vcm->drive_lock);
void pen_vcm_assert_drive_locked(struct pen_vcm *vcm);
void pen_vcm_set_enable(struct pen_vcm *vcm, int on);
int pen_vcm_set_duty_locked(struct pen_vcm *vcm, u32 depth_um);
int pen_vcm_pwm_off(struct pen_vcm *vcm);
int pen_vcm_start_stroke_locked(struct pen_vcm *vcm, u64 seq, u32 depth_um);

/* pen-vcm-feedback.c: the sampling thread */
int pen_vcm_feedback_init(struct pen_vcm *vcm);
void pen_vcm_feedback_arm(struct pen_vcm *vcm);
void pen_vcm_feedback_cancel(struct pen_vcm *vcm);
void pen_vcm_measure(struct pen_vcm *vcm, struct pen_vcm_outcome *out);
void pen_vcm_tell(struct pen_vcm *vcm, const struct pen_vcm_outcome *out);

/* pen-vcm-inputs.c: cartridge and buttons */
int pen_vcm_inputs_get(struct pen_vcm *vcm);
int pen_vcm_inputs_start(struct pen_vcm *vcm);
void pen_vcm_inputs_stop(struct pen_vcm *vcm);

#endif /* _PEN_VCM_H */
