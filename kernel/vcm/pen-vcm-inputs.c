// SPDX-License-Identifier: GPL-2.0
/*
 * The inputs of the voice-coil pen: the cartridge (a detect line and an
 * EEPROM in the cartridge) and the buttons.
 *
 * Both are mechanical contacts that bounce. A button is read once its
 * line has been quiet for the debounce interval. The footswitch is read
 * at every edge instead, and let go as soon as it reads so: letting go
 * of it may stop the needle (hold-to-run), and a stop must not wait; a
 * press counts only once the line has been quiet, so a bounce on the way
 * up starts nothing. A line that cannot be read counts as a button let
 * go. A cartridge is read
 * once its detect line has settled for that long too: a bounce seen as
 * "out, in again" would make the core take a fresh cartridge for a
 * re-used one and refuse it.
 */
#include <linux/build_bug.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/interrupt.h>
#include <linux/nvmem-consumer.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "pen-vcm.h"

/* The cartridge EEPROM cell, little-endian. */
struct pen_vcm_cart_rec {
	char magic[4];		/* "PENC" */
	__le32 budget;		/* strokes the cartridge is good for */
	__le64 id;		/* unique, non-zero */
};

static_assert(sizeof(struct pen_vcm_cart_rec) == 16);

static const char * const pen_vcm_button_names[PEN_BUTTON_COUNT] = {
	[PEN_BUTTON_MAIN] = "main-button",
	[PEN_BUTTON_SPEED_UP] = "speed-up-button",
	[PEN_BUTTON_SPEED_DOWN] = "speed-down-button",
	[PEN_BUTTON_FOOTSWITCH] = "footswitch",
};

/* Read the inserted cartridge's EEPROM; 0 if it holds a valid record. */
static int pen_vcm_cart_read(struct pen_vcm *vcm, u64 *id, u32 *budget)
{
	struct pen_vcm_cart_rec rec;
	struct nvmem_cell *cell;
	size_t len;
	void *buf;

	/* Got afresh each time: the EEPROM comes and goes with the cartridge. */
	cell = nvmem_cell_get(vcm->dev, "cartridge");
	if (IS_ERR(cell)) {
		dev_warn(vcm->dev, "cannot get the cartridge EEPROM: %ld\n",
			 PTR_ERR(cell));
		return PTR_ERR(cell);
	}
	buf = nvmem_cell_read(cell, &len);
	nvmem_cell_put(cell);
	if (IS_ERR(buf)) {
		dev_warn(vcm->dev, "cannot read the cartridge EEPROM: %ld\n",
			 PTR_ERR(buf));
		return PTR_ERR(buf);
	}
	if (len != sizeof(rec)) {
		dev_warn(vcm->dev, "cartridge EEPROM cell of %zu bytes, not %zu\n",
			 len, sizeof(rec));
		kfree(buf);
		return -EINVAL;
	}
	memcpy(&rec, buf, sizeof(rec));
	kfree(buf);

	*id = le64_to_cpu(rec.id);
	*budget = le32_to_cpu(rec.budget);
	if (memcmp(rec.magic, "PENC", sizeof(rec.magic)) || !*id) {
		dev_warn(vcm->dev, "cartridge EEPROM holds no cartridge record\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Tell the core what the detect line and the EEPROM say now. Runs in the
 * detect interrupt's thread and once at probe; a cartridge that cannot be
 * read counts as none, so the pen cannot start without a known one.
 */
static void pen_vcm_cart_update(struct pen_vcm *vcm)
{
	u32 budget;
	int present;
	u64 id;

	if (vcm->debounce_ms)
		msleep(vcm->debounce_ms);

	mutex_lock(&vcm->cart_lock);
	present = gpiod_get_value_cansleep(vcm->cart_detect);
	if (present > 0 && !pen_vcm_cart_read(vcm, &id, &budget)) {
		/*
		 * The same cartridge still in is nothing new; a different one
		 * (swapped between two runs of this) is an insertion.
		 */
		if (!vcm->cart_present || vcm->cart_id != id) {
			pen_report_cartridge_inserted(vcm->pen, id, budget);
			vcm->cart_present = true;
			vcm->cart_id = id;
		}
	} else if (vcm->cart_present) {
		pen_report_cartridge_removed(vcm->pen);
		vcm->cart_present = false;
		vcm->cart_id = 0;
	}
	mutex_unlock(&vcm->cart_lock);
}

/* The detect interrupt's thread: process context, may sleep. */
static irqreturn_t pen_vcm_cart_irq(int irq, void *data)
{
	pen_vcm_cart_update(data);
	return IRQ_HANDLED;
}

/* Any context: a hard interrupt, or a thread for a GPIO chip on a bus. */
static irqreturn_t pen_vcm_button_irq(int irq, void *data)
{
	struct pen_vcm_button *btn = data;
	unsigned long delay = msecs_to_jiffies(btn->vcm->debounce_ms);

	WRITE_ONCE(btn->edge_jiffies, jiffies);
	/* The pedal is read now; other buttons once the line is quiet. */
	if (btn->button == PEN_BUTTON_FOOTSWITCH)
		delay = 0;
	mod_delayed_work(system_highpri_wq, &btn->work, delay);
	return IRQ_HANDLED;
}

static void pen_vcm_button_work(struct work_struct *work)
{
	struct pen_vcm_button *btn = container_of(to_delayed_work(work),
						  struct pen_vcm_button, work);
	int val = gpiod_get_value_cansleep(btn->gpio);
	unsigned long quiet;

	if (val < 0) {
		dev_warn_ratelimited(btn->vcm->dev, "cannot read %s: %d; taken as let go\n",
				     pen_vcm_button_names[btn->button], val);
		val = 0;
	}
	/* A pedal pressed counts once its line has been quiet. */
	quiet = READ_ONCE(btn->edge_jiffies) +
		msecs_to_jiffies(btn->vcm->debounce_ms);
	if (btn->button == PEN_BUTTON_FOOTSWITCH && val && !btn->pressed &&
	    time_before(jiffies, quiet)) {
		mod_delayed_work(system_highpri_wq, &btn->work,
				 quiet - jiffies);
		return;
	}
	if (!!val == btn->pressed)
		return;
	WRITE_ONCE(btn->pressed, val);
	pen_report_button(btn->vcm->pen, btn->button, val);
}

/* The input lines and what the core is told of them (hw.buttons). */
int pen_vcm_inputs_get(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	struct nvmem_cell *cell;
	struct gpio_desc *gpio;
	u32 mask = 0;
	int b;

	vcm->cart_detect = devm_gpiod_get(dev, "cartridge-detect", GPIOD_IN);
	if (IS_ERR(vcm->cart_detect))
		return dev_err_probe(dev, PTR_ERR(vcm->cart_detect),
				     "no cartridge-detect GPIO\n");

	for (b = 0; b < PEN_BUTTON_COUNT; b++) {
		struct pen_vcm_button *btn;

		gpio = devm_gpiod_get_optional(dev, pen_vcm_button_names[b],
					       GPIOD_IN);
		if (IS_ERR(gpio))
			return dev_err_probe(dev, PTR_ERR(gpio), "bad %s GPIO\n",
					     pen_vcm_button_names[b]);
		if (!gpio)
			continue;
		btn = devm_kzalloc(dev, sizeof(*btn), GFP_KERNEL);
		if (!btn)
			return -ENOMEM;
		btn->vcm = vcm;
		btn->gpio = gpio;
		btn->button = b;
		INIT_DELAYED_WORK(&btn->work, pen_vcm_button_work);
		vcm->buttons[b] = btn;
		mask |= BIT(b);
	}
	/* The core's input device has all three handpiece keys or none. */
	if ((mask & PEN_BUTTONS_HANDPIECE) &&
	    (mask & PEN_BUTTONS_HANDPIECE) != PEN_BUTTONS_HANDPIECE) {
		dev_err(dev, "main-button, speed-up-button and speed-down-button come together\n");
		return -EINVAL;
	}
	vcm->hw.buttons = mask;

	/*
	 * The EEPROM is got at each insertion, but a provider that is not
	 * there yet is worth waiting for.
	 */
	cell = nvmem_cell_get(dev, "cartridge");
	if (IS_ERR(cell)) {
		if (PTR_ERR(cell) == -EPROBE_DEFER)
			return dev_err_probe(dev, -EPROBE_DEFER,
					     "cartridge EEPROM not ready\n");
		dev_warn(dev, "no cartridge EEPROM (%ld): no cartridge will be accepted\n",
			 PTR_ERR(cell));
	} else {
		nvmem_cell_put(cell);
	}
	return 0;
}

/*
 * With the pen registered: the interrupts, then the present state read
 * once (after the interrupts, so that no change in between is missed).
 * Not devm: they must outlive the pen's registration, which devres
 * would undo first (see pen_vcm_probe()); pen_vcm_inputs_stop() frees
 * them, on success or after a failure part way.
 */
int pen_vcm_inputs_start(struct pen_vcm *vcm)
{
	struct device *dev = vcm->dev;
	int b, irq, ret;

	irq = gpiod_to_irq(vcm->cart_detect);
	if (irq < 0)
		return dev_err_probe(dev, irq,
				     "no interrupt for cartridge-detect\n");
	ret = request_threaded_irq(irq, NULL, pen_vcm_cart_irq,
				   IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING |
				   IRQF_ONESHOT, "pen-vcm cartridge", vcm);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot request the cartridge interrupt\n");
	vcm->cart_irq = irq;
	pen_vcm_cart_update(vcm);

	for (b = 0; b < PEN_BUTTON_COUNT; b++) {
		struct pen_vcm_button *btn = vcm->buttons[b];

		if (!btn)
			continue;
		irq = gpiod_to_irq(btn->gpio);
		if (irq < 0)
			return dev_err_probe(dev, irq, "no interrupt for %s\n",
					     pen_vcm_button_names[b]);
		/* Either context: the handler only queues the debounce. */
		ret = request_any_context_irq(irq, pen_vcm_button_irq,
					      IRQF_TRIGGER_RISING |
					      IRQF_TRIGGER_FALLING,
					      pen_vcm_button_names[b], btn);
		if (ret < 0)
			return dev_err_probe(dev, ret,
					     "cannot request the %s interrupt\n",
					     pen_vcm_button_names[b]);
		btn->irq = irq;
		/* A button held down at probe is reported pressed. */
		btn->edge_jiffies = jiffies - msecs_to_jiffies(vcm->debounce_ms);
		mod_delayed_work(system_highpri_wq, &btn->work, 0);
	}
	return 0;
}

/* No more reports from the inputs once this returns. */
void pen_vcm_inputs_stop(struct pen_vcm *vcm)
{
	int b;

	/* Freeing waits for a detect thread that is running. */
	if (vcm->cart_irq)
		free_irq(vcm->cart_irq, vcm);
	vcm->cart_irq = 0;
	for (b = 0; b < PEN_BUTTON_COUNT; b++) {
		struct pen_vcm_button *btn = vcm->buttons[b];

		if (!btn)
			continue;
		if (btn->irq)
			free_irq(btn->irq, btn);
		btn->irq = 0;
		cancel_delayed_work_sync(&btn->work);
	}
}
