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
 * lag_us, record_size, cartridge_budget, buttons (0 or 1), footswitch (0
 * or 1). Instance ID is /sys/bus/pen_testbench/devices/pen_tbID; it
 * provides the hardware and registers platform device pen-vcm.ID for the
 * pen-vcm driver, with a software node and lookup tables as a board file
 * would. Deleting it unregisters pen-vcm.ID first: the unplug.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pen-testbench-compat.h"
#include "pen-testbench.h"

static unsigned int instances;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances, "benches to create at load (default 0)");

static const struct pen_tb_config pen_tb_defaults = {
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
};

#define PEN_TB_RECORD_MAX	(16U << 20)
#define PEN_TB_LAG_MAX_US	1000000U

static LIST_HEAD(pen_tb_list);
static DEFINE_MUTEX(pen_tb_list_lock);	/* the list and the ids in it */
static bool pen_tb_enabled;		/* new_device may create (list lock) */
static struct dentry *pen_tb_debugfs;
/* Ids of the cartridges the bench inserts at creation: fresh each time. */
static atomic64_t pen_tb_cartridge_ids = ATOMIC64_INIT(0x7b000000);

static pen_tb_bus_type pen_tb_bus;

static void pen_tb_dev_release(struct device *dev)
{
	struct pen_tb *tb = container_of(dev, struct pen_tb, dev);

	vfree(tb->rec);
	kfree(tb);
}

struct pen_tb_key {
	const char *name;
	size_t offset;
};

#define PEN_TB_KEY(_name) { #_name, offsetof(struct pen_tb_config, _name) }

static const struct pen_tb_key pen_tb_keys[] = {
	PEN_TB_KEY(depth_min_um),
	PEN_TB_KEY(depth_max_um),
	PEN_TB_KEY(depth_step_um),
	PEN_TB_KEY(rate_min_mhz),
	PEN_TB_KEY(rate_max_mhz),
	PEN_TB_KEY(needles),
	PEN_TB_KEY(lag_us),
	PEN_TB_KEY(record_size),
	PEN_TB_KEY(cartridge_budget),
	PEN_TB_KEY(buttons),
	PEN_TB_KEY(footswitch),
};

static int pen_tb_parse_option(struct pen_tb_config *cfg, char *opt)
{
	char *value = strchr(opt, '=');
	unsigned int i;

	if (!value)
		return -EINVAL;
	*value++ = '\0';
	for (i = 0; i < ARRAY_SIZE(pen_tb_keys); i++)
		if (!strcmp(opt, pen_tb_keys[i].name))
			return kstrtou32(value, 0,
					 (u32 *)((u8 *)cfg +
						 pen_tb_keys[i].offset));
	return -EINVAL;
}

static int pen_tb_parse(const char *buf, size_t count, u32 *id,
			struct pen_tb_config *cfg)
{
	char *copy, *cursor, *word;
	bool have_id = false;
	int ret = 0;

	copy = kstrndup(buf, count, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cursor = strim(copy);
	while (!ret && (word = strsep(&cursor, " \t\n"))) {
		if (!*word)
			continue;
		if (!have_id) {
			ret = kstrtou32(word, 10, id);
			have_id = true;
		} else {
			ret = pen_tb_parse_option(cfg, word);
		}
	}
	kfree(copy);
	if (!ret && !have_id)
		ret = -EINVAL;
	if (ret)
		return ret;

	/* The rest the backend checks, as it would a board's properties. */
	if (!cfg->record_size || cfg->record_size > PEN_TB_RECORD_MAX ||
	    cfg->buttons > 1 || cfg->footswitch > 1 || *id > INT_MAX ||
	    cfg->lag_us > PEN_TB_LAG_MAX_US || !cfg->depth_max_um ||
	    cfg->rate_min_mhz % 1000 || cfg->rate_max_mhz % 1000)
		return -EINVAL;
	return 0;
}

static struct pen_tb *pen_tb_find(u32 id)
{
	struct pen_tb *tb;

	list_for_each_entry(tb, &pen_tb_list, list)
		if (tb->id == id)
			return tb;
	return NULL;
}

static void pen_tb_pdev_remove(void *data)
{
	platform_device_unregister(data);
}

/* pen-vcm.ID: the board's description of the pen, pointing at the bench. */
static int pen_tb_pdev_add(struct pen_tb *tb)
{
	const struct pen_tb_config *cfg = &tb->cfg;
	const struct property_entry props[] = {
		PROPERTY_ENTRY_U32("pen,travel-um", cfg->depth_max_um),
		PROPERTY_ENTRY_U32("pen,depth-min-um", cfg->depth_min_um),
		PROPERTY_ENTRY_U32("pen,depth-step-um", cfg->depth_step_um),
		PROPERTY_ENTRY_U32("pen,stroke-rate-min-hz",
				   cfg->rate_min_mhz / 1000),
		PROPERTY_ENTRY_U32("pen,stroke-rate-max-hz",
				   cfg->rate_max_mhz / 1000),
		PROPERTY_ENTRY_U32("pen,needle-count", cfg->needles),
		PROPERTY_ENTRY_STRING("pen,model", "pen-testbench"),
		PROPERTY_ENTRY_STRING("serial-number", tb->serial),
		PROPERTY_ENTRY_U32("pen,reach-time-us",
				   cfg->lag_us + PEN_TB_REACH_MARGIN_US),
		PROPERTY_ENTRY_U32("pen,position-zero-counts",
				   PEN_TB_POS_ZERO),
		PROPERTY_ENTRY_U32("pen,position-counts-per-mm",
				   PEN_TB_POS_PER_MM),
		PROPERTY_ENTRY_U32("pen,current-zero-counts", PEN_TB_CUR_ZERO),
		PROPERTY_ENTRY_U32("pen,current-counts-per-amp",
				   PEN_TB_CUR_PER_AMP),
		PROPERTY_ENTRY_U32("pen,current-limit-microamp",
				   PEN_TB_CUR_LIMIT_UA),
		PROPERTY_ENTRY_U32("pen,temperature-limit-millicelsius",
				   PEN_TB_TEMP_LIMIT),
		{ }
	};
	const struct platform_device_info info = {
		.parent = &tb->dev,
		.name = "pen-vcm",
		.id = tb->id,
		.properties = props,
	};

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
	if (!ret)
		ret = pen_tb_regulator_add(tb);
	if (!ret)
		ret = pen_tb_gpio_lookup_add(tb);
	tb->probe_err = ret;
	return ret;
}

static struct device_driver pen_tb_driver = {
	.name = "pen_testbench",
	.bus = &pen_tb_bus,
	.probe = pen_tb_probe,
	.probe_type = PROBE_FORCE_SYNCHRONOUS,
	/* Unbound by hand, its pen-vcm would lose its hardware for good. */
	.suppress_bind_attrs = true,
};

/* Called with pen_tb_list_lock held. */
static int pen_tb_create(u32 id, const struct pen_tb_config *cfg)
{
	struct pen_tb *tb;
	int ret;

	if (pen_tb_find(id))
		return -EEXIST;

	tb = kzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	tb->id = id;
	tb->cfg = *cfg;
	snprintf(tb->name, sizeof(tb->name), "pen_tb%u", id);
	snprintf(tb->consumer, sizeof(tb->consumer), "pen-vcm.%u", id);
	snprintf(tb->eeprom_name, sizeof(tb->eeprom_name), "pen_tb%u-eeprom",
		 id);
	snprintf(tb->regulator_name, sizeof(tb->regulator_name),
		 "pen_tb%u-motor", id);
	snprintf(tb->serial, sizeof(tb->serial), "TB-%08u", id);
	pen_tb_model_init(tb);
	tb->dev.bus = &pen_tb_bus;
	tb->dev.release = pen_tb_dev_release;
	device_initialize(&tb->dev);

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
		ret = pen_tb_pdev_add(tb);
	if (!ret)
		ret = pen_tb_debugfs_add(tb, pen_tb_debugfs);
	if (ret)
		goto err_del;

	list_add_tail(&tb->list, &pen_tb_list);
	return 0;

err_del:
	device_del(&tb->dev);
err_put:
	put_device(&tb->dev);
	return ret;
}

/* Called with pen_tb_list_lock held. */
static void pen_tb_destroy(struct pen_tb *tb)
{
	list_del(&tb->list);
	/* Unbound, it releases pen-vcm.ID first, then the hardware. */
	device_unregister(&tb->dev);
}

static ssize_t new_device_store(pen_tb_bus_type *bus, const char *buf,
				size_t count)
{
	struct pen_tb_config cfg = pen_tb_defaults;
	u32 id;
	int ret;

	ret = pen_tb_parse(buf, count, &id, &cfg);
	if (ret)
		return ret;

	mutex_lock(&pen_tb_list_lock);
	ret = pen_tb_enabled ? pen_tb_create(id, &cfg) : -ENODEV;
	mutex_unlock(&pen_tb_list_lock);
	return ret ? ret : count;
}
static BUS_ATTR_WO(new_device);

static ssize_t del_device_store(pen_tb_bus_type *bus, const char *buf,
				size_t count)
{
	struct pen_tb *tb;
	u32 id;
	int ret;

	ret = kstrtou32(buf, 10, &id);
	if (ret)
		return ret;

	mutex_lock(&pen_tb_list_lock);
	tb = pen_tb_find(id);
	if (tb)
		pen_tb_destroy(tb);
	mutex_unlock(&pen_tb_list_lock);
	return tb ? count : -ENOENT;
}
static BUS_ATTR_WO(del_device);

static struct attribute *pen_tb_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	NULL
};
ATTRIBUTE_GROUPS(pen_tb_bus);

static pen_tb_bus_type pen_tb_bus = {
	.name = "pen_testbench",
	.bus_groups = pen_tb_bus_groups,
};

static void pen_tb_destroy_all(void)
{
	struct pen_tb *tb, *tmp;

	mutex_lock(&pen_tb_list_lock);
	pen_tb_enabled = false;
	list_for_each_entry_safe(tb, tmp, &pen_tb_list, list)
		pen_tb_destroy(tb);
	mutex_unlock(&pen_tb_list_lock);
}

static int __init pen_tb_init(void)
{
	unsigned int i;
	int ret;

	ret = pen_tb_pwm_table_init();
	if (ret)
		return ret;
	ret = bus_register(&pen_tb_bus);
	if (ret)
		return ret;
	ret = driver_register(&pen_tb_driver);
	if (ret) {
		bus_unregister(&pen_tb_bus);
		return ret;
	}
	pen_tb_debugfs = debugfs_create_dir("pen_testbench", NULL);

	mutex_lock(&pen_tb_list_lock);
	pen_tb_enabled = true;
	for (i = 0, ret = 0; i < instances && !ret; i++)
		ret = pen_tb_create(i, &pen_tb_defaults);
	mutex_unlock(&pen_tb_list_lock);
	if (ret) {
		pen_tb_destroy_all();
		debugfs_remove_recursive(pen_tb_debugfs);
		driver_unregister(&pen_tb_driver);
		bus_unregister(&pen_tb_bus);
	}
	return ret;
}

static void __exit pen_tb_exit(void)
{
	pen_tb_destroy_all();
	debugfs_remove_recursive(pen_tb_debugfs);
	driver_unregister(&pen_tb_driver);
	bus_unregister(&pen_tb_bus);
}

module_init(pen_tb_init);
module_exit(pen_tb_exit);

MODULE_DESCRIPTION("Test bench for the pen-vcm needle drive: its hardware, simulated");
MODULE_LICENSE("GPL");
