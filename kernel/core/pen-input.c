// SPDX-License-Identifier: GPL-2.0
/*
 * A pen's buttons and footswitch, as an input device.
 *
 * Buttons are exposed the way Linux exposes every button, so evtest,
 * libinput and libevdev see them, through an input device that is a child
 * of the pen's class device (found from /sys/class/pen/penN). The keys are
 * macro keys (PEN_KEY_* in the UAPI header), which desktops do not act on.
 *
 * The core forwards presses, and starts nothing: control stays with the
 * controlling process, which reads the buttons and decides (penctl run
 * --buttons does). The footswitch alone is also the core's own: in
 * hold-to-run mode its release stops the needle (pen-hold.c).
 */
#include <linux/input.h>

#include "pen-internal.h"

static const unsigned int pen_button_keys[PEN_BUTTON_COUNT] = {
	[PEN_BUTTON_MAIN] = PEN_KEY_MAIN,
	[PEN_BUTTON_SPEED_UP] = PEN_KEY_SPEED_UP,
	[PEN_BUTTON_SPEED_DOWN] = PEN_KEY_SPEED_DOWN,
	[PEN_BUTTON_FOOTSWITCH] = PEN_KEY_FOOTSWITCH,
};

/**
 * pen_input_register() - the input device for a pen's buttons, if any
 * @pen: the pen, its class device already added
 *
 * Context: process, pen->lock not held.
 * Return: 0, or a negative errno.
 */
int pen_input_register(struct pen_device *pen)
{
	struct input_dev *input;
	unsigned int b;
	int ret;

	if (!pen->hw.buttons)
		return 0;

	input = input_allocate_device();
	if (!input)
		return -ENOMEM;
	snprintf(pen->ctl.input_phys, sizeof(pen->ctl.input_phys), "%s/input0",
		 dev_name(&pen->dev));
	input->name = "Microneedling pen buttons";
	input->phys = pen->ctl.input_phys;
	input->uniq = pen->serial;
	input->id.bustype = BUS_HOST;
	input->dev.parent = &pen->dev;
	for (b = 0; b < PEN_BUTTON_COUNT; b++)
		if (pen->hw.buttons & BIT(b))
			input_set_capability(input, EV_KEY, pen_button_keys[b]);

	ret = input_register_device(input);
	if (ret) {
		input_free_device(input);
		return ret;
	}
	mutex_lock(&pen->lock);
	pen->ctl.input = input;
	mutex_unlock(&pen->lock);
	return 0;
}

/* Context: process, pen->lock not held. */
void pen_input_unregister(struct pen_device *pen)
{
	struct input_dev *input;

	mutex_lock(&pen->lock);
	input = pen->ctl.input;
	pen->ctl.input = NULL;
	mutex_unlock(&pen->lock);
	if (input)
		input_unregister_device(input);
}

/**
 * pen_report_button() - a button was pressed or released
 * @pen: the pen
 * @button: which; one the pen declared in struct pen_hw_info.buttons
 * @pressed: pressed (or, for the footswitch, held down)
 *
 * Forwarded to the pen's input device. A footswitch let go first stops a
 * needle in hold-to-run mode; a backend that can no longer read its
 * footswitch reports it released. Context: process, may sleep (a
 * threaded interrupt handler or a work item is fine).
 */
void pen_report_button(struct pen_device *pen, enum pen_button button,
		       bool pressed)
{
	if (WARN_ON_ONCE(button >= PEN_BUTTON_COUNT ||
			 !(pen->hw.buttons & BIT(button))))
		return;

	/* The needle before the input device: stop first, then tell. */
	if (button == PEN_BUTTON_FOOTSWITCH)
		pen_pedal(pen, pressed);

	/* Serialised against unregistration, which clears pen->ctl.input. */
	mutex_lock(&pen->lock);
	if (pen->ctl.input) {
		input_report_key(pen->ctl.input, pen_button_keys[button], pressed);
		input_sync(pen->ctl.input);
	}
	mutex_unlock(&pen->lock);
}
EXPORT_SYMBOL_GPL(pen_report_button);
