// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: benches from the device tree (docs/testbench.md).
 *
 * Where the live tree has a /pen-testbench node (a container without a
 * compatible, so that nothing populates it at boot), every instance is
 * one of its "pen-testbench,hardware" children, a pool fixed at boot:
 * each is the GPIO, PWM, IIO and nvmem provider of one bench, with a
 * regulator child (the motor supply), an nvmem cell child and a
 * "pen,vcm-needle-drive" child that points at them by phandle, as a
 * board's tree would (selftests/testbench/bindings/). new_device ID takes
 * a free bench whose needle-drive node says what the keys ask of pen-vcm;
 * the instance's device gets the bench's node, so that the providers it
 * registers are the ones the phandles name, and the needle-drive node
 * becomes platform device pen-vcm.ID. No lookup table, no software node.
 *
 * Without the container (no device tree, as on Debian's x86 kernels, or
 * a tree without benches) nothing here does anything, and the instance
 * gets its software node and lookup tables (pen-testbench-bus.c).
 */
#include <linux/device.h>
#include <linux/list.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#include "pen-testbench.h"

#define PEN_TB_OF_PATH		"/pen-testbench"
#define PEN_TB_OF_COMPATIBLE	"pen-testbench,hardware"

/* The benches instances hold; under the bus's lock, as create and destroy. */
static LIST_HEAD(pen_tb_of_taken);

/*
 * The needle-drive properties that hold the new_device keys pen-vcm sees:
 * a bench's binding requires them all, so no default is guessed here.
 */
static const struct {
	const char *name;
	size_t offset;		/* of the u32 in struct pen_tb_config */
	u32 scale;		/* the key's unit per the property's */
} pen_tb_of_props[] = {
	{ "pen,travel-um", offsetof(struct pen_tb_config, depth_max_um), 1 },
	{ "pen,depth-min-um", offsetof(struct pen_tb_config, depth_min_um), 1 },
	{ "pen,depth-step-um", offsetof(struct pen_tb_config, depth_step_um), 1 },
	{ "pen,stroke-rate-min-hz",
	  offsetof(struct pen_tb_config, rate_min_mhz), 1000 },
	{ "pen,stroke-rate-max-hz",
	  offsetof(struct pen_tb_config, rate_max_mhz), 1000 },
	{ "pen,needle-count", offsetof(struct pen_tb_config, needles), 1 },
	/* The reach time is the lag plus the margin: see below. */
	{ "pen,reach-time-us", offsetof(struct pen_tb_config, lag_us), 1 },
};

/* The keys bench node @drive's needle-drive gives pen-vcm, into @cfg. */
static int pen_tb_of_config(struct device_node *drive,
			    struct pen_tb_config *cfg)
{
	unsigned int i;
	u32 val, *key;

	for (i = 0; i < ARRAY_SIZE(pen_tb_of_props); i++) {
		key = (u32 *)((char *)cfg + pen_tb_of_props[i].offset);
		if (of_property_read_u32(drive, pen_tb_of_props[i].name, &val) ||
		    check_mul_overflow(val, pen_tb_of_props[i].scale, key))
			return -EINVAL;
	}
	if (cfg->lag_us < PEN_TB_REACH_MARGIN_US)
		return -EINVAL;
	cfg->lag_us -= PEN_TB_REACH_MARGIN_US;
	/* Wired or not, as the lookup table would have them. */
	cfg->buttons = !!of_find_property(drive, "main-button-gpios", NULL);
	cfg->footswitch = !!of_find_property(drive, "footswitch-gpios", NULL);
	/* The tree's benches are whole boards (pen-testbench-virt.dtsi). */
	cfg->temperature = 1;
	cfg->eeprom = 1;
	cfg->identity = 1;
	cfg->current_limit = 1;
	cfg->enable_line = 1;
	cfg->motor_supply = 1;
	cfg->pwm = 1;
	cfg->pwm_period_ns = PEN_TB_PWM_PERIOD_NS;
	cfg->position_channel = 1;
	cfg->current_channel = 1;
	cfg->temperature_miswired = 0;
	cfg->footswitch_miswired = 0;
	cfg->cartridge_detect = 1;
	cfg->detect_irq = 1;
	cfg->button_irqs = 1;
	cfg->speed_buttons = 1;
	cfg->eeprom_bytes = PEN_TB_EEPROM_SIZE;
	cfg->eeprom_provider = 1;
	cfg->optional_props = 1;
	cfg->zero_reach_time = 0;
	/* pen-vcm's own, where the tree gives none. */
	if (of_property_read_u32(drive, "debounce-interval", &cfg->debounce_ms))
		cfg->debounce_ms = 5;
	return 0;
}

/*
 * The same for pen-vcm; record_size, cartridge_budget and pwm_fail are
 * the model's, and pwm_atomic and gpio_can_sleep the kinds of controller
 * the bench registers, which no node says: all apply as given.
 */
static bool pen_tb_of_same(const struct pen_tb_config *a,
			   const struct pen_tb_config *b)
{
	return a->depth_min_um == b->depth_min_um &&
	       a->depth_max_um == b->depth_max_um &&
	       a->depth_step_um == b->depth_step_um &&
	       a->rate_min_mhz == b->rate_min_mhz &&
	       a->rate_max_mhz == b->rate_max_mhz &&
	       a->needles == b->needles && a->lag_us == b->lag_us &&
	       a->buttons == b->buttons && a->footswitch == b->footswitch &&
	       a->temperature == b->temperature && a->eeprom == b->eeprom &&
	       a->identity == b->identity &&
	       a->current_limit == b->current_limit &&
	       a->enable_line == b->enable_line && a->pwm == b->pwm &&
	       a->motor_supply == b->motor_supply &&
	       a->pwm_period_ns == b->pwm_period_ns &&
	       a->position_channel == b->position_channel &&
	       a->current_channel == b->current_channel &&
	       a->temperature_miswired == b->temperature_miswired &&
	       a->footswitch_miswired == b->footswitch_miswired &&
	       a->cartridge_detect == b->cartridge_detect &&
	       a->detect_irq == b->detect_irq &&
	       a->button_irqs == b->button_irqs &&
	       a->speed_buttons == b->speed_buttons &&
	       a->eeprom_bytes == b->eeprom_bytes &&
	       a->eeprom_provider == b->eeprom_provider &&
	       a->debounce_ms == b->debounce_ms &&
	       a->optional_props == b->optional_props &&
	       a->zero_reach_time == b->zero_reach_time;
}

static bool pen_tb_of_in_use(struct device_node *np)
{
	struct pen_tb *tb;

	list_for_each_entry(tb, &pen_tb_of_taken, taken)
		if (tb->bench_np == np)
			return true;
	return false;
}

/*
 * Whether the live tree has benches: then every instance is one of them,
 * and no lookup table is needed (pen_tb_init()).
 */
bool pen_tb_of_mode(void)
{
	struct device_node *benches;

	if (!IS_ENABLED(CONFIG_OF))
		return false;
	benches = of_find_node_by_path(PEN_TB_OF_PATH);
	of_node_put(benches);
	return benches;
}

/*
 * Bench @np, if its needle-drive matches @tb's keys: its children into
 * @tb (references taken), 0. -ENOENT if it does not match, -EBUSY if it
 * does but is in use; -EINVAL (warned) if it is no usable bench.
 */
static int pen_tb_of_try(struct pen_tb *tb, struct device_node *np)
{
	struct device_node *drive, *motor;
	struct pen_tb_config have = tb->cfg;
	int ret = -EINVAL;

	drive = of_get_child_by_name(np, "needle-drive");
	motor = of_get_child_by_name(np, "regulator");
	if (!drive || !motor || pen_tb_of_config(drive, &have))
		pr_warn_ratelimited("pen_testbench: %pOF: no needle-drive with every pen,* property, or no regulator\n",
				    np);
	else if (!pen_tb_of_same(&tb->cfg, &have))
		ret = -ENOENT;
	else if (pen_tb_of_in_use(np))
		ret = -EBUSY;
	else
		ret = 0;
	if (ret) {
		of_node_put(drive);
		of_node_put(motor);
		return ret;
	}
	tb->bench_np = of_node_get(np);
	tb->drive_np = drive;
	tb->motor_np = motor;
	return 0;
}

/*
 * Before @tb's device is added: in device tree mode, take a free bench
 * that matches its keys and make its node the device's, or fail with
 * -EOPNOTSUPP (no bench in the tree has this configuration) or -EBUSY
 * (all that have it are in use), changing nothing. In software node mode
 * 0, and nothing changes. Called with the bus's lock held.
 */
int pen_tb_of_take(struct pen_tb *tb)
{
	struct device_node *benches, *np;
	int ret = -EOPNOTSUPP, err;

	INIT_LIST_HEAD(&tb->taken);
	if (!IS_ENABLED(CONFIG_OF))
		return 0;
	benches = of_find_node_by_path(PEN_TB_OF_PATH);
	if (!benches)
		return 0;
	for_each_available_child_of_node(benches, np) {
		if (!of_device_is_compatible(np, PEN_TB_OF_COMPATIBLE))
			continue;
		err = pen_tb_of_try(tb, np);
		if (!err) {
			of_node_put(np);
			break;
		}
		if (err == -EBUSY)
			ret = err;
	}
	of_node_put(benches);
	if (!tb->bench_np)
		return ret;
	list_add(&tb->taken, &pen_tb_of_taken);
	device_set_node(&tb->dev, of_fwnode_handle(tb->bench_np));
	return 0;
}

/*
 * When @tb is destroyed (or its creation failed): its bench is free
 * again. The node references go with the device (pen_tb_dev_release()).
 * Called with the bus's lock held.
 */
void pen_tb_of_release(struct pen_tb *tb)
{
	list_del_init(&tb->taken);
}

static void pen_tb_of_pdev_remove(void *data)
{
	struct platform_device *pdev = data;

	/* Unregisters it and clears OF_POPULATED: the node can be taken again. */
	of_platform_device_destroy(&pdev->dev, NULL);
}

/*
 * pen-vcm.ID from the bench's needle-drive node, a child of the bench's
 * device as in software node mode. pen_vcm binds it through its
 * of_match_table and finds everything through the node's phandles.
 */
int pen_tb_of_pdev_add(struct pen_tb *tb)
{
	struct platform_device *pdev;

	/* NULL: the node is in use (OF_POPULATED) or it cannot be added. */
	pdev = of_platform_device_create(tb->drive_np, tb->consumer, &tb->dev);
	if (!pdev)
		return -EBUSY;
	tb->pdev = pdev;
	return devm_add_action_or_reset(&tb->dev, pen_tb_of_pdev_remove, pdev);
}
