// SPDX-License-Identifier: GPL-2.0
/*
 * pen_sim: simulated pens, created and destroyed at run time.
 *
 * In the style of netdevsim, instances live on their own bus:
 *
 *   echo "ID [key=value ...]" > /sys/bus/pen_sim/new_device
 *   echo ID > /sys/bus/pen_sim/del_device
 *
 * Keys set the instance's limits and model: depth_min_um, depth_max_um,
 * depth_step_um, rate_min_mhz, rate_max_mhz, needles, lag_us,
 * record_size, cartridge_budget, buttons (0 or 1), footswitch (0 or 1)
 * and threaded (0 or 1). The errors of creation reach the writer. The
 * module creates the instances 0 .. instances-1 when it loads.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pen-compat.h"
#include "pen-sim.h"

static unsigned int instances = 1;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances, "simulated pens to create at load (default 1)");

/* So that a whole test suite can run on the core's threaded path. */
static bool threaded;
module_param(threaded, bool, 0444);
MODULE_PARM_DESC(threaded,
		 "default of the threaded key: drive pens from the core's stroke thread (default 0)");

static const struct pen_sim_config pen_sim_defaults = {
	.hw = {
		.needle_count = 12,
		.depth_min_um = 0,
		.depth_max_um = 3000,
		.depth_step_um = 10,
		.rate_min_mhz = 25000,
		.rate_max_mhz = 300000,
	},
	.lag_us = 500,
	.record_size = 65536,
	.cartridge_budget = 1000000,
	.buttons = 1,
	.footswitch = 0,
};

/* The largest record we allocate: 16 Mi strokes, 512 MiB. */
#define PEN_SIM_RECORD_MAX	(16U << 20)

static LIST_HEAD(pen_sim_list);
static DEFINE_MUTEX(pen_sim_list_lock);	/* the list and the ids in it */
/* new_device may create instances: between init and exit (list lock) */
static bool pen_sim_enabled;
static struct dentry *pen_sim_debugfs;

static pen_bus_type pen_sim_bus;

static void pen_sim_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct pen_sim, dev));
}

struct pen_sim_key {
	const char *name;
	size_t offset;
};

#define PEN_SIM_KEY(_name, _field) \
	{ _name, offsetof(struct pen_sim_config, _field) }

static const struct pen_sim_key pen_sim_keys[] = {
	PEN_SIM_KEY("depth_min_um", hw.depth_min_um),
	PEN_SIM_KEY("depth_max_um", hw.depth_max_um),
	PEN_SIM_KEY("depth_step_um", hw.depth_step_um),
	PEN_SIM_KEY("rate_min_mhz", hw.rate_min_mhz),
	PEN_SIM_KEY("rate_max_mhz", hw.rate_max_mhz),
	PEN_SIM_KEY("needles", hw.needle_count),
	PEN_SIM_KEY("lag_us", lag_us),
	PEN_SIM_KEY("record_size", record_size),
	PEN_SIM_KEY("cartridge_budget", cartridge_budget),
	PEN_SIM_KEY("buttons", buttons),
	PEN_SIM_KEY("footswitch", footswitch),
	PEN_SIM_KEY("threaded", threaded),
};

static int pen_sim_parse_option(struct pen_sim_config *cfg, char *opt)
{
	char *value = strchr(opt, '=');
	unsigned int i;

	if (!value)
		return -EINVAL;
	*value++ = '\0';
	for (i = 0; i < ARRAY_SIZE(pen_sim_keys); i++)
		if (!strcmp(opt, pen_sim_keys[i].name))
			return kstrtou32(value, 0,
					 (u32 *)((u8 *)cfg +
						 pen_sim_keys[i].offset));
	return -EINVAL;
}

static int pen_sim_parse(const char *buf, size_t count, u32 *id,
			 struct pen_sim_config *cfg)
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
			ret = pen_sim_parse_option(cfg, word);
		}
	}
	kfree(copy);
	if (!ret && !have_id)
		ret = -EINVAL;
	if (ret)
		return ret;

	if (!cfg->record_size || cfg->record_size > PEN_SIM_RECORD_MAX)
		return -EINVAL;
	if (cfg->buttons > 1 || cfg->footswitch > 1 || cfg->threaded > 1)
		return -EINVAL;
	if (*id > INT_MAX)
		return -EINVAL;
	return 0;
}

static struct pen_sim *pen_sim_find(u32 id)
{
	struct pen_sim *sim;

	list_for_each_entry(sim, &pen_sim_list, list)
		if (sim->id == id)
			return sim;
	return NULL;
}

/* Called with pen_sim_list_lock held. */
static int pen_sim_create(u32 id, const struct pen_sim_config *cfg)
{
	struct pen_sim *sim;
	int ret;

	if (pen_sim_find(id))
		return -EEXIST;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->id = id;
	sim->cfg = *cfg;
	sim->dev.bus = &pen_sim_bus;
	sim->dev.release = pen_sim_dev_release;
	device_initialize(&sim->dev);
	ret = dev_set_name(&sim->dev, "pen_sim%u", id);
	if (ret)
		goto err_put;
	ret = device_add(&sim->dev);
	if (ret)
		goto err_put;

	ret = pen_sim_pen_add(sim, pen_sim_debugfs);
	if (ret)
		goto err_del;

	list_add_tail(&sim->list, &pen_sim_list);
	return 0;

err_del:
	device_del(&sim->dev);
err_put:
	put_device(&sim->dev);
	return ret;
}

/* Called with pen_sim_list_lock held. */
static void pen_sim_destroy(struct pen_sim *sim)
{
	list_del(&sim->list);
	/* The pen goes first: its needle stops before the device vanishes. */
	pen_sim_pen_remove(sim);
	device_unregister(&sim->dev);
}

static ssize_t new_device_store(pen_bus_type *bus,
				const char *buf, size_t count)
{
	struct pen_sim_config cfg = pen_sim_defaults;
	u32 id;
	int ret;

	cfg.threaded = threaded;
	ret = pen_sim_parse(buf, count, &id, &cfg);
	if (ret)
		return ret;

	mutex_lock(&pen_sim_list_lock);
	ret = pen_sim_enabled ? pen_sim_create(id, &cfg) : -ENODEV;
	mutex_unlock(&pen_sim_list_lock);
	return ret ? ret : count;
}
static BUS_ATTR_WO(new_device);

static ssize_t del_device_store(pen_bus_type *bus,
				const char *buf, size_t count)
{
	struct pen_sim *sim;
	u32 id;
	int ret;

	ret = kstrtou32(buf, 10, &id);
	if (ret)
		return ret;

	mutex_lock(&pen_sim_list_lock);
	sim = pen_sim_find(id);
	if (sim)
		pen_sim_destroy(sim);
	mutex_unlock(&pen_sim_list_lock);
	return sim ? count : -ENOENT;
}
static BUS_ATTR_WO(del_device);

static struct attribute *pen_sim_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	NULL
};
ATTRIBUTE_GROUPS(pen_sim_bus);

static pen_bus_type pen_sim_bus = {
	.name = "pen_sim",
	.bus_groups = pen_sim_bus_groups,
};

static void pen_sim_destroy_all(void)
{
	struct pen_sim *sim, *tmp;

	mutex_lock(&pen_sim_list_lock);
	/* No new_device may slip in between this and bus_unregister(). */
	pen_sim_enabled = false;
	list_for_each_entry_safe(sim, tmp, &pen_sim_list, list)
		pen_sim_destroy(sim);
	mutex_unlock(&pen_sim_list_lock);
}

static int __init pen_sim_init(void)
{
	struct pen_sim_config cfg = pen_sim_defaults;
	unsigned int i;
	int ret;

	ret = bus_register(&pen_sim_bus);
	if (ret)
		return ret;
	pen_sim_debugfs = debugfs_create_dir("pen_sim", NULL);

	mutex_lock(&pen_sim_list_lock);
	pen_sim_enabled = true;
	cfg.threaded = threaded;
	for (i = 0, ret = 0; i < instances && !ret; i++)
		ret = pen_sim_create(i, &cfg);
	mutex_unlock(&pen_sim_list_lock);
	if (ret) {
		pen_sim_destroy_all();
		debugfs_remove_recursive(pen_sim_debugfs);
		bus_unregister(&pen_sim_bus);
	}
	return ret;
}

static void __exit pen_sim_exit(void)
{
	pen_sim_destroy_all();
	debugfs_remove_recursive(pen_sim_debugfs);
	bus_unregister(&pen_sim_bus);
}

module_init(pen_sim_init);
module_exit(pen_sim_exit);

MODULE_DESCRIPTION("Simulated microneedling pen for the pen core");
MODULE_LICENSE("GPL");
