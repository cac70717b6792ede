/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backend interface of the pen core.
 *
 * A backend is the driver of one kind of needle-drive hardware. It
 * registers each pen it finds with pen_register(); the core then owns the
 * character device, the setpoints and the stroke timer, and calls the
 * backend through struct pen_ops. The backend reports what the hardware
 * measured through the pen_report_*() callbacks.
 */
#ifndef _PEN_BACKEND_H
#define _PEN_BACKEND_H

#include <linux/bits.h>
#include <linux/types.h>
#include <uapi/linux/pen.h>

/*
 * The fastest stroke rate the core accepts from any backend, 50 kHz: far
 * above any needle, and a floor of 20 us under the hard-irq timer period
 * so that a misconfigured backend cannot flood a CPU with interrupts.
 */
#define PEN_RATE_LIMIT_MHZ	50000000U

struct device;
struct pen_device;

/**
 * struct pen_hw_info - what a backend tells the core about its pen
 * @model: hardware model, at most PEN_NAME_LEN - 1 characters
 * @serial: serial number, at most PEN_NAME_LEN - 1 characters
 * @needle_count: needles in the cartridge
 * @depth_min_um: shallowest depth the hardware can drive
 * @depth_max_um: deepest depth the hardware can drive
 * @depth_step_um: depth resolution; non-zero
 * @rate_min_mhz: slowest stroke rate, in millihertz; non-zero
 * @rate_max_mhz: fastest stroke rate, in millihertz; at most
 *	PEN_RATE_LIMIT_MHZ
 * @buttons: PEN_BUTTON_* bits: the buttons the pen has; with any, the
 *	core registers an input device for them
 * @can_sleep: the backend's calls may sleep (a PWM, GPIO or ADC behind a
 *	bus, a regulator): the core then makes every call into struct
 *	pen_ops from process context, from its real-time stroke thread or
 *	the task that stops the pen, never in interrupt context nor with a
 *	spinlock held, and never two at once for one pen
 *
 * The core copies it at registration; the backend need not keep it.
 */
struct pen_hw_info {
	const char *model;
	const char *serial;
	u32 needle_count;
	u32 depth_min_um;
	u32 depth_max_um;
	u32 depth_step_um;
	u32 rate_min_mhz;
	u32 rate_max_mhz;
	u32 buttons;
	bool can_sleep;
};

/* A pen's buttons, for struct pen_hw_info.buttons and pen_report_button() */
enum pen_button {
	PEN_BUTTON_MAIN,
	PEN_BUTTON_SPEED_UP,
	PEN_BUTTON_SPEED_DOWN,
	PEN_BUTTON_FOOTSWITCH,
	PEN_BUTTON_COUNT
};

/* The main and speed buttons come together; the footswitch is optional. */
#define PEN_BUTTONS_HANDPIECE	(BIT(PEN_BUTTON_MAIN) | \
				 BIT(PEN_BUTTON_SPEED_UP) | \
				 BIT(PEN_BUTTON_SPEED_DOWN))

/**
 * struct pen_ops - how the core drives a backend
 * @drive_enable: power the needle drive before the first stroke of a run.
 *	Process context, may sleep. On error the run does not start.
 * @drive_disable: cut the needle drive now. Called first on every stop
 *	path, from any context including the stroke timer in hard-irq
 *	context with the core's raw spinlock held: must not sleep, must not
 *	fail, must be safe to call when the drive is already off.
 * @stroke: start one stroke to @depth_um. Called from the stroke timer in
 *	hard-irq context with the core's raw spinlock held: must not sleep.
 *	@seq numbers strokes from 0 since registration. A non-zero return
 *	stops the needle with PEN_STOP_BACKEND, except -EAGAIN from a
 *	backend without can_sleep: the stroke cannot be made yet (the one
 *	before still needs the hardware), and the core counts it missed,
 *	as a period its timer skipped, and calls again with the same @seq
 *	at the next boundary; more in a row than the timer may miss stop
 *	the needle with PEN_FAULT_TIMING.
 *
 * Every stroke the core issues is followed, when the hardware has
 * measured it, by pen_report_stroke() with the same @seq.
 */
struct pen_ops {
	int (*drive_enable)(struct pen_device *pen);
	void (*drive_disable)(struct pen_device *pen);
	int (*stroke)(struct pen_device *pen, u64 seq, u32 depth_um);
};

struct pen_device *pen_register(struct device *parent, const char *driver,
				const struct pen_ops *ops,
				const struct pen_hw_info *info, void *drvdata);
void pen_unregister(struct pen_device *pen);
struct pen_device *devm_pen_register(struct device *parent, const char *driver,
				     const struct pen_ops *ops,
				     const struct pen_hw_info *info,
				     void *drvdata);

void *pen_get_drvdata(struct pen_device *pen);
struct device *pen_to_dev(struct pen_device *pen);
/* A backend's own real-time thread starts (docs/hardware.md); any context. */
void pen_note_thread_preemption(struct device *dev);

/* Callbacks into the core; any context. */
void pen_report_stroke(struct pen_device *pen, u64 seq, u32 reached_um);
void pen_report_fault(struct pen_device *pen, u32 fault, u32 value);
/*
 * Cartridges; insertion in process context, removal in any. Insertion
 * and pen_report_button() may cut a sleeping backend's drive themselves:
 * never call them from a struct pen_ops callback, nor holding a lock
 * that drive_disable() takes.
 */
void pen_report_cartridge_inserted(struct pen_device *pen, u64 id,
				   u32 budget);
void pen_report_cartridge_removed(struct pen_device *pen);
/*
 * A button was pressed or released; process context (threaded irq too).
 * A footswitch that can no longer be read is reported released: in
 * hold-to-run mode its release stops the needle.
 */
void pen_report_button(struct pen_device *pen, enum pen_button button,
		       bool pressed);

#endif /* _PEN_BACKEND_H */
