// SPDX-License-Identifier: GPL-2.0
/*
 * pen_testbench: benches created and destroyed at run time, like pen_sim's
 * simulated pens (docs/testbench.md):
 *
 *   echo "ID [key=value ...]" > /sys/bus/pen_testbench/new_device
 *   echo ID > /sys/bus/pen_testbench/del_device
 *
 * Keys: depth_min_um, depth_max_um (the travel at 100 % duty),
 * depth_step_um, rate_min_mhz, rate_max_mhz (multiples of 1000), needles,
 * lag_us (at most 1 s), record_size (1 to 16 Mi), cartridge_budget,
 * buttons (0 or 1), footswitch (0 or 1); boards without a part or with
 * one wrong (pen-testbench.h's struct pen_tb_config): temperature,
 * eeprom, identity, current_limit, enable_line, motor_supply, pwm,
 * position_channel, current_channel, temperature_miswired,
 * footswitch_miswired, cartridge_detect, speed_buttons, optional_props
 * (0: only what pen-vcm requires, the keys then its defaults),
 * zero_reach_time (each 0 or 1), eeprom_provider, detect_irq, button_irqs
 * (0 to 2), pwm_period_ns, eeprom_bytes (1 to 16), debounce_ms (at most
 * 20: the bench waits that long after a button's edge); pwm_fail (PWM
 * applies that fail from the first, at most 1000); the controllers'
 * kinds: pwm_atomic (a PWM that never sleeps, 6.8 and later; its default
 * the module parameter's) and gpio_can_sleep (each 0 or 1). The bus, its parser
 * and the instance list are the simulator bus's, from pen_sim.ko (which
 * must be loaded first), so they are pen_sim's too. Instance ID is
 * /sys/bus/pen_testbench/devices/pen_tbID; it provides the hardware and
 * registers platform device pen-vcm.ID for the pen-vcm driver, with a
 * software node and lookup tables as a board file would; or, where the
 * device tree has benches, it takes one whose needle-drive node matches
 * the keys (pen-testbench-of.c). Deleting it unregisters pen-vcm.ID
 * first: the unplug.
 */
#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "pen-compat.h"
#include "pen-simbus.h"
#include "pen-testbench-compat.h"
#include "pen-testbench.h"

static unsigned int instances;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances, "benches to create at load (default 0)");

/* So that a whole test suite can run pen-vcm from the hard-irq timer. */
static bool pwm_atomic;
module_param(pwm_atomic, bool, 0444);
MODULE_PARM_DESC(pwm_atomic,
		 "default of the pwm_atomic key: PWM controllers that never sleep, 6.8 and later (default 0)");

#define PEN_TB_RECORD_MAX	(16U << 20)
#define PEN_TB_LAG_MAX_US	1000000U

/* Ids of the cartridges the bench inserts at creation: fresh each time. */
static atomic64_t pen_tb_cartridge_ids = ATOMIC64_INIT(0x7b000000);

static void pen_tb_dev_release(struct device *dev)
{
	struct pen_tb *tb = container_of(dev, struct pen_tb, dev);

	of_node_put(tb->motor_np);
	of_node_put(tb->drive_np);
	of_node_put(tb->bench_np);
	vfree(tb->rec);
	kfree(tb);
}

#define PEN_TB_KEY(_name, _min, _max) \
	PEN_SIMBUS_KEY(struct pen_tb_config, _name, #_name, _min, _max)

static const struct pen_simbus_key pen_tb_keys[] = {
	PEN_TB_KEY(depth_min_um, 0, U32_MAX),
	PEN_TB_KEY(depth_max_um, 0, U32_MAX),
	PEN_TB_KEY(depth_step_um, 0, U32_MAX),
	PEN_TB_KEY(rate_min_mhz, 0, U32_MAX),
	PEN_TB_KEY(rate_max_mhz, 0, U32_MAX),
	PEN_TB_KEY(needles, 0, U32_MAX),
	PEN_TB_KEY(lag_us, 0, PEN_TB_LAG_MAX_US),
	PEN_TB_KEY(record_size, 1, PEN_TB_RECORD_MAX),
	PEN_TB_KEY(cartridge_budget, 0, U32_MAX),
	PEN_TB_KEY(buttons, 0, 1),
	PEN_TB_KEY(footswitch, 0, 1),
	PEN_TB_KEY(temperature, 0, 1),
	PEN_TB_KEY(eeprom, 0, 1),
	PEN_TB_KEY(identity, 0, 1),
	PEN_TB_KEY(current_limit, 0, 1),
	PEN_TB_KEY(enable_line, 0, 1),
	PEN_TB_KEY(pwm, 0, 1),
	PEN_TB_KEY(pwm_period_ns, 0, U32_MAX),
	PEN_TB_KEY(position_channel, 0, 1),
	PEN_TB_KEY(current_channel, 0, 1),
	PEN_TB_KEY(temperature_miswired, 0, 1),
	PEN_TB_KEY(footswitch_miswired, 0, 1),
	PEN_TB_KEY(cartridge_detect, 0, 1),
	PEN_TB_KEY(detect_irq, 0, 2),
	PEN_TB_KEY(button_irqs, 0, 2),
	PEN_TB_KEY(speed_buttons, 0, 1),
	PEN_TB_KEY(eeprom_bytes, 1, PEN_TB_EEPROM_SIZE),
	PEN_TB_KEY(eeprom_provider, 0, 1),
	PEN_TB_KEY(debounce_ms, 0, PEN_TB_DEBOUNCE_MAX_MS),
	PEN_TB_KEY(pwm_fail, 0, 1000),
	PEN_TB_KEY(motor_supply, 0, 1),
	PEN_TB_KEY(optional_props, 0, 1),
	PEN_TB_KEY(zero_reach_time, 0, 1),
	PEN_TB_KEY(pwm_atomic, 0, 1),
	PEN_TB_KEY(gpio_can_sleep, 0, 1),
};

/*
 * What pen-vcm takes where a board leaves a property out (its binding's
 * defaults): a bench without its optional properties must model these.
 * The ADC's current zero and the temperature limit are the bench's own.
 */
#define PEN_VCM_DEFAULT_REACH_US	500
static const struct pen_tb_config pen_tb_vcm_defaults = {
	.depth_min_um = 0,
	.depth_step_um = 10,
	.rate_min_mhz = 25000,
	.rate_max_mhz = 300000,
	.needles = 12,
	.lag_us = PEN_VCM_DEFAULT_REACH_US - PEN_TB_REACH_MARGIN_US,
	.debounce_ms = 5,
};

static_assert(PEN_TB_CUR_ZERO == 0);
static_assert(PEN_TB_TEMP_LIMIT == 60000);

/* The rest the backend checks, as it would a board's properties. */
static int pen_tb_check(const void *data)
{
	const struct pen_tb_config *cfg = data;

	const struct pen_tb_config *def = &pen_tb_vcm_defaults;

	/* The properties give rates in Hz. */
	if (cfg->rate_min_mhz % 1000 || cfg->rate_max_mhz % 1000)
		return -EINVAL;
	/* No PWM controller says it never sleeps before 6.8. */
	if (cfg->pwm_atomic && !PEN_TB_PWM_ATOMIC)
		return -EOPNOTSUPP;
	/* Left out, they are pen-vcm's: the model must be that pen. */
	if (!cfg->optional_props &&
	    (cfg->zero_reach_time || cfg->depth_min_um != def->depth_min_um ||
	     cfg->depth_step_um != def->depth_step_um ||
	     cfg->rate_min_mhz != def->rate_min_mhz ||
	     cfg->rate_max_mhz != def->rate_max_mhz ||
	     cfg->needles != def->needles || cfg->lag_us != def->lag_us ||
	     cfg->debounce_ms != def->debounce_ms))
		return -EINVAL;
	return 0;
}

static void pen_tb_pdev_remove(void *data)
{
	platform_device_unregister(data);
}

/* The most properties pen_tb_pdev_add() gives, and the list's end. */
#define PEN_TB_PROPS		16

/* pen-vcm.ID: the board's description of the pen, pointing at the bench. */
static int pen_tb_pdev_add(struct pen_tb *tb)
{
	const struct pen_tb_config *cfg = &tb->cfg;
	struct property_entry props[PEN_TB_PROPS + 1] = { }, *p = props;
	const struct platform_device_info info = {
		.parent = &tb->dev,
		.name = "pen-vcm",
		.id = tb->node.id,
		.properties = props,
	};

	/* What pen-vcm requires, and the calibration the ADC follows. */
	*p++ = PROPERTY_ENTRY_U32("pen,travel-um", cfg->depth_max_um);
	*p++ = PROPERTY_ENTRY_U32("pen,position-zero-counts", PEN_TB_POS_ZERO);
	*p++ = PROPERTY_ENTRY_U32("pen,position-counts-per-mm",
				  PEN_TB_POS_PER_MM);
	*p++ = PROPERTY_ENTRY_U32("pen,current-counts-per-amp",
				  PEN_TB_CUR_PER_AMP);
	if (cfg->current_limit)
		*p++ = PROPERTY_ENTRY_U32("pen,current-limit-microamp",
					  PEN_TB_CUR_LIMIT_UA);
	if (cfg->identity) {
		*p++ = PROPERTY_ENTRY_STRING("pen,model", "pen-testbench");
		*p++ = PROPERTY_ENTRY_STRING("serial-number", tb->serial);
	}
	if (cfg->optional_props) {
		*p++ = PROPERTY_ENTRY_U32("pen,depth-min-um",
					  cfg->depth_min_um);
		*p++ = PROPERTY_ENTRY_U32("pen,depth-step-um",
					  cfg->depth_step_um);
		*p++ = PROPERTY_ENTRY_U32("pen,stroke-rate-min-hz",
					  cfg->rate_min_mhz / 1000);
		*p++ = PROPERTY_ENTRY_U32("pen,stroke-rate-max-hz",
					  cfg->rate_max_mhz / 1000);
		*p++ = PROPERTY_ENTRY_U32("pen,needle-count", cfg->needles);
		*p++ = PROPERTY_ENTRY_U32("pen,reach-time-us",
					  cfg->zero_reach_time ? 0 :
					  cfg->lag_us + PEN_TB_REACH_MARGIN_US);
		*p++ = PROPERTY_ENTRY_U32("pen,current-zero-counts",
					  PEN_TB_CUR_ZERO);
		*p++ = PROPERTY_ENTRY_U32("pen,temperature-limit-millicelsius",
					  PEN_TB_TEMP_LIMIT);
		*p++ = PROPERTY_ENTRY_U32("debounce-interval",
					  cfg->debounce_ms);
	}
	/* The rest of props[] is zeroes: the list's end. */
	if (WARN_ON(p > props + PEN_TB_PROPS))
		return -EINVAL;

	tb->pdev = platform_device_register_full(&info);
	if (IS_ERR(tb->pdev))
		return PTR_ERR(tb->pdev);
	return devm_add_action_or_reset(&tb->dev, pen_tb_pdev_remove,
					tb->pdev);
}

/*
 * The bench's driver binds its instance devices: the providers are then
 * bound devices, as the device links their consumers make expect. Its
 * probe registers the hardware and its lookups; pen_tb_create() adds the
 * consumer's platform device and the debugfs files once it is bound.
 * All are the device's managed resources, released in reverse when it is
 * deleted: pen-vcm.ID goes before the hardware it uses.
 */
static int pen_tb_probe(struct device *dev)
{
	struct pen_tb *tb = container_of(dev, struct pen_tb, dev);
	int ret;

	ret = pen_tb_gpio_add(tb);
	if (!ret)
		ret = pen_tb_pwm_add(tb);
	if (!ret)
		ret = pen_tb_iio_add(tb);
	if (!ret)
		ret = pen_tb_nvmem_add(tb);
	if (!ret && tb->cfg.motor_supply)
		ret = pen_tb_regulator_add(tb);
	/* From a device tree, pen-vcm finds them through its phandles. */
	if (!ret && !tb->bench_np)
		ret = pen_tb_gpio_lookup_add(tb);
	tb->probe_err = ret;
	return ret;
}

static struct device_driver pen_tb_driver = {
	.name = "pen_testbench",
	.probe = pen_tb_probe,
	.probe_type = PROBE_FORCE_SYNCHRONOUS,
	/* Unbound by hand, its pen-vcm would lose its hardware for good. */
	.suppress_bind_attrs = true,
};

/* Called with the bus's lock held. */
static struct pen_simbus_node *pen_tb_create(struct pen_simbus *sb, u32 id,
					     const void *data)
{
	const struct pen_tb_config *cfg = data;
	struct pen_tb *tb;
	int ret;

	tb = kzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return ERR_PTR(-ENOMEM);
	tb->node.id = id;
	tb->cfg = *cfg;
	snprintf(tb->name, sizeof(tb->name), "pen_tb%u", id);
	snprintf(tb->consumer, sizeof(tb->consumer), "pen-vcm.%u", id);
	snprintf(tb->eeprom_name, sizeof(tb->eeprom_name), "pen_tb%u-eeprom",
		 id);
	snprintf(tb->regulator_name, sizeof(tb->regulator_name),
		 "pen_tb%u-motor", id);
	snprintf(tb->serial, sizeof(tb->serial), "TB-%08u", id);
	pen_tb_model_init(tb);
	/* Failures from the first apply: pen-vcm's probe stops the PWM. */
	tb->hw.inj_pwm_fail = cfg->pwm_fail;
	pen_simbus_device_init(sb, &tb->dev, pen_tb_dev_release);
	/* Its node before device_add(): the providers register under it. */
	ret = pen_tb_of_take(tb);
	if (ret)
		goto err_put;

	/* Freed with the device, by its release. */
	tb->rec = __vmalloc(array_size(cfg->record_size, sizeof(*tb->rec)),
			    GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!tb->rec) {
		ret = -ENOMEM;
		goto err_put;
	}
	if (cfg->cartridge_budget) {
		pen_tb_eeprom_write(tb, PEN_TB_EEPROM_MAGIC,
				    atomic64_inc_return(&pen_tb_cartridge_ids),
				    cfg->cartridge_budget);
		tb->hw.line[PEN_TB_LINE_DETECT] = true;
	} else {
		pen_tb_eeprom_blank(tb);
	}

	ret = dev_set_name(&tb->dev, "%s", tb->name);
	if (ret)
		goto err_put;
	tb->probe_err = -ENODEV;
	ret = device_add(&tb->dev);
	if (ret)
		goto err_put;
	/* Probed synchronously: bound now, or its probe failed. */
	ret = tb->dev.driver ? 0 : tb->probe_err;
	if (!ret)
		ret = tb->bench_np ? pen_tb_of_pdev_add(tb) : pen_tb_pdev_add(tb);
	if (!ret)
		ret = pen_tb_debugfs_add(tb, sb->debugfs);
	if (ret)
		goto err_del;
	return &tb->node;

err_del:
	device_del(&tb->dev);
err_put:
	pen_tb_of_release(tb);
	put_device(&tb->dev);
	return ERR_PTR(ret);
}

/* Called with the bus's lock held. */
static void pen_tb_destroy(struct pen_simbus_node *node)
{
	struct pen_tb *tb = container_of(node, struct pen_tb, node);

	/* Its bench free again: no other create runs before this is over. */
	pen_tb_of_release(tb);
	/* Unbound, it releases pen-vcm.ID first, then the hardware. */
	device_unregister(&tb->dev);
}

static const struct pen_simbus_ops pen_tb_bus_ops = {
	.check = pen_tb_check,
	.create = pen_tb_create,
	.destroy = pen_tb_destroy,
};

static const struct pen_tb_config pen_tb_builtin_defaults = {
	.depth_min_um = 0,
	.depth_max_um = 3000,
	.depth_step_um = 10,
	.rate_min_mhz = 25000,
	.rate_max_mhz = 300000,
	.needles = 12,
	.lag_us = 400,
	.record_size = 65536,
	.cartridge_budget = 1000000,
	.buttons = 1,
	.footswitch = 0,
	.temperature = 1,
	.eeprom = 1,
	.identity = 1,
	.current_limit = 1,
	.enable_line = 1,
	.pwm = 1,
	.pwm_period_ns = PEN_TB_PWM_PERIOD_NS,
	.position_channel = 1,
	.current_channel = 1,
	.cartridge_detect = 1,
	.detect_irq = 1,
	.button_irqs = 1,
	.speed_buttons = 1,
	.eeprom_bytes = PEN_TB_EEPROM_SIZE,
	.eeprom_provider = 1,
	.debounce_ms = 5,
	.pwm_fail = 0,
	.motor_supply = 1,
	.optional_props = 1,
	.zero_reach_time = 0,
	.pwm_atomic = 0,
	.gpio_can_sleep = 0,
};

/* The defaults, with the pwm_atomic module parameter's applied at load. */
static struct pen_tb_config pen_tb_defaults;

static struct pen_simbus pen_tb_bus = {
	.bus = PEN_SIMBUS_BUS("pen_testbench"),
	.keys = pen_tb_keys,
	.nkeys = ARRAY_SIZE(pen_tb_keys),
	.defaults = &pen_tb_defaults,
	.cfg_size = sizeof(pen_tb_defaults),
	.ops = &pen_tb_bus_ops,
	.driver = &pen_tb_driver,
};

static int __init pen_tb_init(void)
{
	int ret;

	if (pwm_atomic && !PEN_TB_PWM_ATOMIC) {
		pr_err("pen_testbench: pwm_atomic needs kernel 6.8 or later\n");
		return -EOPNOTSUPP;
	}
	pen_tb_defaults = pen_tb_builtin_defaults;
	pen_tb_defaults.pwm_atomic = pwm_atomic;
	/*
	 * Benches from a device tree need no PWM lookup table: kernels
	 * without KALLSYMS_ALL (Debian's arm64 6.1), which cannot find it,
	 * have the bench there only.
	 */
	if (!pen_tb_of_mode()) {
		ret = pen_tb_pwm_table_init();
		if (ret)
			return ret;
	}
	return pen_simbus_register(&pen_tb_bus, instances);
}

static void __exit pen_tb_exit(void)
{
	pen_simbus_unregister(&pen_tb_bus);
}

module_init(pen_tb_init);
module_exit(pen_tb_exit);

MODULE_DESCRIPTION("Test bench for the pen-vcm needle drive: its hardware, simulated");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(PEN_SIMBUS_NS);
