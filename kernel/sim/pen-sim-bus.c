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
 * and threaded (0 or 1); lag_us at most 1 s, record_size 1 to 16 Mi. The
 * errors of creation reach the writer. The module creates the instances
 * 0 .. instances-1 when it loads. The bus itself is pen-simbus.c's, which
 * the test bench shares.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "pen-sim.h"
#include "pen-simbus.h"

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
/* The longest a needle may take to reach its depth: 1 s. */
#define PEN_SIM_LAG_MAX_US	1000000U

#define PEN_SIM_KEY(_field, _name, _min, _max) \
	PEN_SIMBUS_KEY(struct pen_sim_config, _field, _name, _min, _max)

static const struct pen_simbus_key pen_sim_keys[] = {
	PEN_SIM_KEY(hw.depth_min_um, "depth_min_um", 0, U32_MAX),
	PEN_SIM_KEY(hw.depth_max_um, "depth_max_um", 0, U32_MAX),
	PEN_SIM_KEY(hw.depth_step_um, "depth_step_um", 0, U32_MAX),
	PEN_SIM_KEY(hw.rate_min_mhz, "rate_min_mhz", 0, U32_MAX),
	PEN_SIM_KEY(hw.rate_max_mhz, "rate_max_mhz", 0, U32_MAX),
	PEN_SIM_KEY(hw.needle_count, "needles", 0, U32_MAX),
	PEN_SIM_KEY(lag_us, "lag_us", 0, PEN_SIM_LAG_MAX_US),
	PEN_SIM_KEY(record_size, "record_size", 1, PEN_SIM_RECORD_MAX),
	PEN_SIM_KEY(cartridge_budget, "cartridge_budget", 0, U32_MAX),
	PEN_SIM_KEY(buttons, "buttons", 0, 1),
	PEN_SIM_KEY(footswitch, "footswitch", 0, 1),
	PEN_SIM_KEY(threaded, "threaded", 0, 1),
};

/* The defaults, with the threaded module parameter's applied at load. */
static struct pen_sim_config pen_sim_cfg;

static void pen_sim_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct pen_sim, dev));
}

/* Called with the bus's lock held. */
static struct pen_simbus_node *pen_sim_create(struct pen_simbus *sb, u32 id,
					      const void *cfg)
{
	struct pen_sim *sim;
	int ret;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return ERR_PTR(-ENOMEM);
	sim->node.id = id;
	sim->cfg = *(const struct pen_sim_config *)cfg;
	pen_simbus_device_init(sb, &sim->dev, pen_sim_dev_release);
	ret = dev_set_name(&sim->dev, "pen_sim%u", id);
	if (ret)
		goto err_put;
	ret = device_add(&sim->dev);
	if (ret)
		goto err_put;

	ret = pen_sim_pen_add(sim, sb->debugfs);
	if (ret)
		goto err_del;
	return &sim->node;

err_del:
	device_del(&sim->dev);
err_put:
	put_device(&sim->dev);
	return ERR_PTR(ret);
}

/* Called with the bus's lock held. */
static void pen_sim_destroy(struct pen_simbus_node *node)
{
	struct pen_sim *sim = container_of(node, struct pen_sim, node);

	/* The pen goes first: its needle stops before the device vanishes. */
	pen_sim_pen_remove(sim);
	device_unregister(&sim->dev);
}

static const struct pen_simbus_ops pen_sim_bus_ops = {
	.create = pen_sim_create,
	.destroy = pen_sim_destroy,
};

static struct pen_simbus pen_sim_bus = {
	.bus = PEN_SIMBUS_BUS("pen_sim"),
	.keys = pen_sim_keys,
	.nkeys = ARRAY_SIZE(pen_sim_keys),
	.defaults = &pen_sim_cfg,
	.cfg_size = sizeof(pen_sim_cfg),
	.ops = &pen_sim_bus_ops,
};

static int __init pen_sim_init(void)
{
	pen_sim_cfg = pen_sim_defaults;
	pen_sim_cfg.threaded = threaded;
	return pen_simbus_register(&pen_sim_bus, instances);
}

static void __exit pen_sim_exit(void)
{
	pen_simbus_unregister(&pen_sim_bus);
}

module_init(pen_sim_init);
module_exit(pen_sim_exit);

MODULE_DESCRIPTION("Simulated microneedling pen for the pen core");
MODULE_LICENSE("GPL");
