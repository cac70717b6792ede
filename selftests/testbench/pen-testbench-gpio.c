// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: the GPIO controller and its interrupt controller.
 *
 * Line 0 is the bridge enable (an output; its level feeds the model),
 * the others are inputs the bench drives itself: cartridge detect and
 * the buttons. A change of an input line raises its interrupt, edge
 * triggered as requested, through generic_handle_irq_safe(), as a real
 * GPIO controller's chained handler would. The interrupts come from the
 * bench's own linear irq domain, so the stock kernels (no IRQ_SIM, no
 * gpio-sim) and the debug kernel (no GPIOLIB_IRQCHIP) both have it.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "pen-testbench.h"

static const char * const pen_tb_line_names[PEN_TB_LINES] = {
	[PEN_TB_LINE_ENABLE] = "enable",
	[PEN_TB_LINE_DETECT] = "cartridge-detect",
	[PEN_TB_LINE_MAIN] = "main-button",
	[PEN_TB_LINE_SPEED_UP] = "speed-up-button",
	[PEN_TB_LINE_SPEED_DOWN] = "speed-down-button",
	[PEN_TB_LINE_FOOTSWITCH] = "footswitch",
};

/* Drive the enable line; called with tb->lock held. */
static void pen_tb_enable_set(struct pen_tb *tb, bool value)
{
	u64 now = ktime_get_ns();
	bool was = tb->hw.line[PEN_TB_LINE_ENABLE];

	tb->hw.line[PEN_TB_LINE_ENABLE] = value;
	if (!value) {
		tb->hw.enable_low_sets++;
		if (was) {
			tb->hw.drive_disables++;
			tb->hw.drive_off_ns = now;
		}
	} else if (!was) {
		tb->hw.drive_enables++;
		tb->hw.drive_on_ns = now;
		if (!tb->hw.regulator_on)
			tb->hw.sequence_errors++;
	}
	pen_tb_model_update(tb, now);
}

static int pen_tb_gpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	return offset == PEN_TB_LINE_ENABLE ? GPIO_LINE_DIRECTION_OUT :
					      GPIO_LINE_DIRECTION_IN;
}

static int pen_tb_gpio_direction_input(struct gpio_chip *gc,
				       unsigned int offset)
{
	return offset == PEN_TB_LINE_ENABLE ? -EPERM : 0;
}

static int pen_tb_gpio_direction_output(struct gpio_chip *gc,
					unsigned int offset, int value)
{
	struct pen_tb *tb = gpiochip_get_data(gc);
	unsigned long flags;

	/* The wiring is fixed: only the enable line is an output. */
	if (offset != PEN_TB_LINE_ENABLE)
		return -EPERM;
	raw_spin_lock_irqsave(&tb->lock, flags);
	pen_tb_enable_set(tb, value);
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return 0;
}

static int pen_tb_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	struct pen_tb *tb = gpiochip_get_data(gc);
	unsigned long flags;
	int value;

	raw_spin_lock_irqsave(&tb->lock, flags);
	/* An input line that cannot be read (injected): changes nothing. */
	if (offset != PEN_TB_LINE_ENABLE && tb->hw.inj_gpio_fail) {
		tb->hw.inj_gpio_fail--;
		value = -EIO;
	} else {
		value = tb->hw.line[offset];
	}
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return value;
}

static void pen_tb_gpio_set(struct gpio_chip *gc, unsigned int offset,
			    int value)
{
	struct pen_tb *tb = gpiochip_get_data(gc);
	unsigned long flags;

	if (offset != PEN_TB_LINE_ENABLE)
		return;
	raw_spin_lock_irqsave(&tb->lock, flags);
	pen_tb_enable_set(tb, value);
	raw_spin_unlock_irqrestore(&tb->lock, flags);
}

static int pen_tb_gpio_to_irq(struct gpio_chip *gc, unsigned int offset)
{
	struct pen_tb *tb = gpiochip_get_data(gc);

	/* The enable line has none; the others, where the board wires them. */
	if (offset == PEN_TB_LINE_ENABLE ||
	    (offset == PEN_TB_LINE_DETECT && !tb->cfg.detect_irq) ||
	    (offset >= PEN_TB_LINE_MAIN && !tb->cfg.button_irqs))
		return -ENXIO;
	return irq_create_mapping(tb->domain, offset) ?: -ENXIO;
}

/* The interrupt controller: edges only, nothing to mask in hardware. */

static void pen_tb_irq_mask(struct irq_data *d)
{
}

static void pen_tb_irq_unmask(struct irq_data *d)
{
}

static int pen_tb_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct pen_tb *tb = irq_data_get_irq_chip_data(d);
	unsigned long flags;

	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;
	/* Where the board's interrupt triggers on one edge only (2). */
	if (type == IRQ_TYPE_EDGE_BOTH &&
	    (irqd_to_hwirq(d) == PEN_TB_LINE_DETECT ? tb->cfg.detect_irq :
						       tb->cfg.button_irqs) == 2)
		return -EINVAL;
	raw_spin_lock_irqsave(&tb->lock, flags);
	tb->hw.irq_type[irqd_to_hwirq(d)] = type;
	raw_spin_unlock_irqrestore(&tb->lock, flags);
	return 0;
}

static int pen_tb_irq_request_resources(struct irq_data *d)
{
	struct pen_tb *tb = irq_data_get_irq_chip_data(d);

	return gpiochip_lock_as_irq(&tb->gc, irqd_to_hwirq(d));
}

static void pen_tb_irq_release_resources(struct irq_data *d)
{
	struct pen_tb *tb = irq_data_get_irq_chip_data(d);

	gpiochip_unlock_as_irq(&tb->gc, irqd_to_hwirq(d));
}

static const struct irq_chip pen_tb_irq_chip = {
	.name = "pen_testbench",
	.irq_mask = pen_tb_irq_mask,
	.irq_unmask = pen_tb_irq_unmask,
	.irq_set_type = pen_tb_irq_set_type,
	.irq_request_resources = pen_tb_irq_request_resources,
	.irq_release_resources = pen_tb_irq_release_resources,
	/* An edge is delivered once and never pends at the controller. */
	.flags = IRQCHIP_ONESHOT_SAFE | IRQCHIP_SKIP_SET_WAKE,
};

static int pen_tb_irq_map(struct irq_domain *d, unsigned int virq,
			  irq_hw_number_t hwirq)
{
	irq_set_chip_data(virq, d->host_data);
	irq_set_chip_and_handler(virq, &pen_tb_irq_chip, handle_simple_irq);
	irq_set_noprobe(virq);
	return 0;
}

static void pen_tb_irq_unmap(struct irq_domain *d, unsigned int virq)
{
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops pen_tb_irq_ops = {
	.map = pen_tb_irq_map,
	.unmap = pen_tb_irq_unmap,
};

static void pen_tb_irq_domain_remove(void *data)
{
	struct pen_tb *tb = data;
	unsigned int virq;
	int i;

	for (i = 0; i < PEN_TB_LINES; i++) {
		virq = irq_find_mapping(tb->domain, i);
		if (virq)
			irq_dispose_mapping(virq);
	}
	irq_domain_remove(tb->domain);
	irq_domain_free_fwnode(tb->irq_fwnode);
}

int pen_tb_gpio_add(struct pen_tb *tb)
{
	struct gpio_chip *gc = &tb->gc;
	int ret;

	tb->irq_fwnode = irq_domain_alloc_named_fwnode(tb->name);
	if (!tb->irq_fwnode)
		return -ENOMEM;
	tb->domain = irq_domain_create_linear(tb->irq_fwnode, PEN_TB_LINES,
					      &pen_tb_irq_ops, tb);
	if (!tb->domain) {
		irq_domain_free_fwnode(tb->irq_fwnode);
		return -ENOMEM;
	}
	ret = devm_add_action_or_reset(&tb->dev, pen_tb_irq_domain_remove, tb);
	if (ret)
		return ret;

	gc->label = tb->name;
	gc->parent = &tb->dev;
	gc->base = -1;
	gc->ngpio = PEN_TB_LINES;
	/* No gc->names: gpiolib warns of names shared between instances. */
	/* Registers, or a chip behind a bus: pen-vcm must do either right. */
	gc->can_sleep = tb->cfg.gpio_can_sleep;
	gc->get_direction = pen_tb_gpio_get_direction;
	gc->direction_input = pen_tb_gpio_direction_input;
	gc->direction_output = pen_tb_gpio_direction_output;
	gc->get = pen_tb_gpio_get;
	gc->set = pen_tb_gpio_set;
	gc->to_irq = pen_tb_gpio_to_irq;
	return devm_gpiochip_add_data(&tb->dev, gc, tb);
}

static void pen_tb_gpio_lookup_remove(void *data)
{
	gpiod_remove_lookup_table(data);
}

/* The lines pen-vcm.ID gets, by con_id; only those the board wires. */
static bool pen_tb_line_wired(const struct pen_tb_config *cfg,
			      unsigned int line)
{
	switch (line) {
	case PEN_TB_LINE_ENABLE:
		return cfg->enable_line;
	case PEN_TB_LINE_DETECT:
		return cfg->cartridge_detect;
	case PEN_TB_LINE_MAIN:
		return cfg->buttons;
	case PEN_TB_LINE_SPEED_UP:
	case PEN_TB_LINE_SPEED_DOWN:
		return cfg->buttons && cfg->speed_buttons;
	default:
		return cfg->footswitch;
	}
}

/* The controller's line that pen-vcm.ID's @line is wired to. */
static unsigned int pen_tb_line_offset(const struct pen_tb_config *cfg,
				       unsigned int line)
{
	if (line == PEN_TB_LINE_FOOTSWITCH && cfg->footswitch_miswired)
		return PEN_TB_LINE_DETECT;
	return line;
}

int pen_tb_gpio_lookup_add(struct pen_tb *tb)
{
	struct gpiod_lookup_table *t;
	unsigned int n = 0, i;

	t = devm_kzalloc(&tb->dev, struct_size(t, table, PEN_TB_LINES + 1),
			 GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->dev_id = tb->consumer;
	for (i = 0; i < PEN_TB_LINES; i++) {
		if (!pen_tb_line_wired(&tb->cfg, i))
			continue;
		t->table[n++] = GPIO_LOOKUP(tb->name,
					    pen_tb_line_offset(&tb->cfg, i),
					    pen_tb_line_names[i],
					    GPIO_ACTIVE_HIGH);
	}
	tb->gpio_lookup = t;
	gpiod_add_lookup_table(t);
	return devm_add_action_or_reset(&tb->dev, pen_tb_gpio_lookup_remove,
					t);
}

/*
 * Raise @line's interrupt for its edge to @value, if @type, its trigger,
 * asks for that edge: the interrupt raised, or 0.
 */
static unsigned int pen_tb_line_edge(struct pen_tb *tb,
				     enum pen_tb_line line, bool value,
				     unsigned int type)
{
	unsigned int virq;

	if (!(type & (value ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_EDGE_FALLING)))
		return 0;
	virq = irq_find_mapping(tb->domain, line);
	if (virq)
		generic_handle_irq_safe(virq);
	return virq;
}

/*
 * Set input @line to @value as the outside world would, raising its
 * interrupt on an edge it was asked for, and wait for the consumer's
 * threaded handler to finish with it. Process context.
 */
int pen_tb_line_set(struct pen_tb *tb, enum pen_tb_line line, bool value)
{
	unsigned int type, virq;
	bool changed;

	if (line == PEN_TB_LINE_ENABLE || line >= PEN_TB_LINES)
		return -EINVAL;
	raw_spin_lock_irq(&tb->lock);
	changed = tb->hw.line[line] != value;
	tb->hw.line[line] = value;
	type = tb->hw.irq_type[line];
	raw_spin_unlock_irq(&tb->lock);

	virq = changed ? pen_tb_line_edge(tb, line, value, type) : 0;
	if (virq)
		synchronize_irq(virq);
	return 0;
}

/*
 * Input @line leaves its level and comes back sooner than any consumer
 * could read it, as a switch's contacts bounce: the interrupts of both
 * edges, those its trigger asks for, while it reads as before. Waits for
 * the consumer's threaded handler as pen_tb_line_set() does.
 */
int pen_tb_line_bounce(struct pen_tb *tb, enum pen_tb_line line)
{
	unsigned int type, away, back;
	bool value;

	if (line == PEN_TB_LINE_ENABLE || line >= PEN_TB_LINES)
		return -EINVAL;
	raw_spin_lock_irq(&tb->lock);
	value = tb->hw.line[line];
	type = tb->hw.irq_type[line];
	raw_spin_unlock_irq(&tb->lock);

	away = pen_tb_line_edge(tb, line, !value, type);
	back = pen_tb_line_edge(tb, line, value, type);
	if (away || back)
		synchronize_irq(away ?: back);
	return 0;
}
